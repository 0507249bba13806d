"""A small, safe parser of linear constraints: ``"x1 + 2*x2 = 1, x3 = 0"``.

Grammar (statsmodels' string hypotheses; nothing is evaluated)::

    constraints := constraint ("," constraint)*
    constraint  := expr ["=" expr]          # "x1" alone means "x1 = 0"
    expr        := ["+" | "-"] term (("+" | "-") term)*
    term        := factor (("*" | "/") factor)*
    factor      := number | parameter | "(" expr ")"

Parameter names are matched literally, the longest known name first, so names
with spaces or brackets (``"mean radius"``, ``"C(region)[T.b]"``) need no
quoting. Each side must be linear: a product may hold one parameter at most,
and one divides by numbers only.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["parse_constraints"]

_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_OPERATORS = "+-*/=,()"


def _tokenize(text: str, names: list[str]) -> list[tuple[str, object]]:
    by_length = sorted(names, key=len, reverse=True)
    tokens, i = [], 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        name = next((n for n in by_length if text.startswith(n, i)), None)
        number = _NUMBER.match(text, i)
        if name is not None and (number is None or len(name) >= number.end() - i):
            tokens.append(("name", name))
            i += len(name)
        elif number is not None:
            tokens.append(("number", float(number.group())))
            i = number.end()
        elif text[i] in _OPERATORS:
            tokens.append(("op", text[i]))
            i += 1
        else:
            word = re.match(r"[^\s+\-*/=,()]+", text[i:])
            raise ValueError(
                f"unknown parameter {word.group() if word else text[i]!r} in {text!r}; "
                f"the parameters are {names}"
            )
    return tokens


class _Parser:
    """Recursive descent over the tokens; every value is ``(coefficients, constant)``."""

    def __init__(self, text: str, names: list[str]) -> None:
        self.text, self.names = text, names
        self.tokens = _tokenize(text, names)
        self.pos = 0

    def _peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("end", None)

    def _take(self):
        token = self._peek()
        self.pos += 1
        return token

    def _error(self, what: str) -> ValueError:
        return ValueError(f"cannot parse the hypothesis {self.text!r}: {what}")

    def constraints(self) -> tuple[np.ndarray, np.ndarray, list[str]]:
        rows, rhs, parts = [], [], []
        while True:
            start = self.pos
            coef, const = self._expr()
            if self._peek() == ("op", "="):
                self._take()
                right, right_const = self._expr()
                coef, const = coef - right, const - right_const
            if not np.any(coef):
                raise self._error("a constraint has no parameter")
            rows.append(coef)
            rhs.append(0.0 - const)
            parts.append(self._source(start, self.pos))
            kind, value = self._take()
            if kind == "end":
                return np.array(rows), np.array(rhs), parts
            if (kind, value) != ("op", ","):
                raise self._error(f"unexpected {value!r}")

    def _source(self, start: int, stop: int) -> str:
        out = []
        for kind, value in self.tokens[start:stop]:
            out.append(f"{value:g}" if kind == "number" else str(value))
        return " ".join(out)

    def _expr(self):
        sign = 1.0
        if self._peek() in (("op", "+"), ("op", "-")):
            sign = -1.0 if self._take()[1] == "-" else 1.0
        coef, const = self._term()
        coef, const = sign * coef, sign * const
        while self._peek() in (("op", "+"), ("op", "-")):
            sign = -1.0 if self._take()[1] == "-" else 1.0
            other, other_const = self._term()
            coef, const = coef + sign * other, const + sign * other_const
        return coef, const

    def _term(self):
        coef, const = self._factor()
        while self._peek() in (("op", "*"), ("op", "/")):
            op = self._take()[1]
            other, other_const = self._factor()
            if op == "/":
                if np.any(other) or other_const == 0:
                    raise self._error("divide by nonzero numbers only")
                coef, const = coef / other_const, const / other_const
            elif np.any(coef) and np.any(other):
                raise self._error("a product of parameters is not linear")
            else:
                coef, const = coef * other_const + other * const, const * other_const
        return coef, const

    def _factor(self):
        kind, value = self._take()
        zero = np.zeros(len(self.names))
        if kind == "number":
            return zero, value
        if kind == "name":
            zero[self.names.index(value)] = 1.0
            return zero, 0.0
        if (kind, value) == ("op", "("):
            inner = self._expr()
            if self._take() != ("op", ")"):
                raise self._error("unbalanced parentheses")
            return inner
        if (kind, value) == ("op", "-"):
            coef, const = self._factor()
            return -coef, -const
        got = f", got {value!r}" if value is not None else ", got the end"
        raise self._error("expected a number or a parameter" + got)


def parse_constraints(text: str, names: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The matrix ``R``, right-hand side ``q`` and text of each constraint in ``text``.

    Parameters
    ----------
    text : str
        Constraints separated by commas, e.g. ``"x1 + 2*x2 = 1, x3 = 0"``.
    names : list of str
        The parameter names, in parameter order.

    Returns
    -------
    R : ndarray of shape (r, len(names))
    q : ndarray of shape (r,)
    parts : list of str
        Each constraint's text, normalised.

    Raises
    ------
    ValueError
        For unknown names, syntax errors, and non-linear or empty constraints.

    Examples
    --------
    >>> R, q, _ = parse_constraints("a + 2*b = 1, c = a", ["a", "b", "c"])
    >>> R.tolist(), q.tolist()
    ([[1.0, 2.0, 0.0], [-1.0, 0.0, 1.0]], [1.0, 0.0])
    """
    if not text.strip():
        raise ValueError("the hypothesis is empty")
    return _Parser(text, list(names)).constraints()
