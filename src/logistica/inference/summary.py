"""The summary table of a :class:`~.results.Results`: as a DataFrame, as text, as HTML.

The text layout follows statsmodels' ``summary()``: a two-column block of fit
statistics, the coefficient table (one per non-reference class for a
multinomial model), then numbered notes with the warnings that matter —
penalized estimates, separation, collinearity.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from .diagnostics import CONDITION_THRESHOLD, VIF_THRESHOLD

if TYPE_CHECKING:
    from .results import Results

__all__ = ["Summary", "build_summary"]

_WIDTH = 78
#: DataFrame column -> (text header, decimals).
_COLUMNS = {
    "coef": ("coef", 4),
    "std_err": ("std err", 3),
    "z": ("z", 3),
    "p_value": ("P>|z|", -3),
    "ci_lower": ("[{lo}", 3),
    "ci_upper": ("{hi}]", 3),
    "odds_ratio": ("odds ratio", 3),
    "or_lower": ("[{lo}", 3),
    "or_upper": ("{hi}]", 3),
    "vif": ("VIF", 2),
}


@dataclass(frozen=True)
class Summary:
    """Coefficient table, fit statistics and notes of a fitted model.

    Attributes
    ----------
    title : str
        Heading.
    info : tuple of (str, str)
        Fit statistics, label and formatted value.
    frame : DataFrame
        One row per parameter: ``coef``, ``std_err``, ``z``, ``p_value``,
        ``ci_lower``, ``ci_upper``, ``odds_ratio``, ``or_lower``, ``or_upper``,
        ``vif`` (NaN for intercepts).
    notes : tuple of str
        Warnings and conventions worth reading.
    alpha : float
        Level of the intervals.

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 2)); y = (X[:, 0] + rng.logistic(size=100) > 0).astype(int)
    >>> summary = LogisticRegression(C=np.inf).fit(X, y).summarize(X, y).summary()
    >>> list(summary.frame.columns[:4])
    ['coef', 'std_err', 'z', 'p_value']
    >>> "Pseudo R-squ." in str(summary)
    True
    """

    title: str
    info: tuple[tuple[str, str], ...]
    frame: pd.DataFrame
    notes: tuple[str, ...]
    alpha: float

    def _headers(self) -> dict[str, str]:
        lo, hi = f"{self.alpha / 2:g}", f"{1 - self.alpha / 2:g}"
        return {key: text.format(lo=lo, hi=hi) for key, (text, _) in _COLUMNS.items()}

    def _blocks(self) -> list[tuple[str | None, pd.DataFrame]]:
        """One table per equation: ``(class heading or None, rows)``."""
        if not isinstance(self.frame.index, pd.MultiIndex):
            return [(None, self.frame)]
        return [(str(label), self.frame.xs(label, level=0)) for label in self.frame.index.levels[0]]

    def as_text(self) -> str:
        """statsmodels-style plain-text rendering.

        Examples
        --------
        >>> import numpy as np
        >>> from logistica import LogisticRegression
        >>> from logistica.inference import summarize
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
        >>> text = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y).summary().as_text()
        >>> text.splitlines()[0].strip()
        'Logistic Regression Results'
        >>> [line.split()[0] for line in text.splitlines() if line.startswith(("intercept", "x"))]
        ['intercept', 'x0', 'x1']
        """
        headers = self._headers()
        cells = {
            key: [_number(v, decimals) for v in self.frame[key]]
            for key, (_, decimals) in _COLUMNS.items()
        }
        labels = [
            str(label[-1] if isinstance(label, tuple) else label) for label in self.frame.index
        ]
        blocks = self._blocks()
        headings = [heading or "" for heading, _ in blocks]
        label_width = max(map(len, labels + headings))
        widths = {key: max(len(headers[key]), *map(len, cells[key])) + 2 for key in cells}
        width = max(_WIDTH, label_width + sum(widths.values()))

        def line(label: str, values: list[str]) -> str:
            return label.ljust(label_width) + "".join(
                value.rjust(widths[key]) for key, value in zip(widths, values, strict=True)
            )

        lines = [self.title.center(width), "=" * width]
        half = (len(self.info) + 1) // 2
        left, right = self.info[:half], self.info[half:]
        for row in range(half):
            pairs = [left[row]] + ([right[row]] if row < len(right) else [])
            lines.append("  ".join(_pair(label, value, width // 2 - 1) for label, value in pairs))
        start = 0
        for heading, rows in blocks:
            lines += ["=" * width, line(heading or "", list(headers.values())), "-" * width]
            for i in range(start, start + len(rows)):
                lines.append(line(labels[i], [cells[key][i] for key in cells]))
            start += len(rows)
        lines.append("=" * width)
        if self.notes:
            lines.append("Notes:")
            lines.extend(f"[{i}] {note}" for i, note in enumerate(self.notes, start=1))
        return "\n".join(lines)

    def as_html(self) -> str:
        """HTML rendering (a ``<div class="logistica-summary">``), for reports and notebooks.

        Examples
        --------
        >>> import numpy as np
        >>> from logistica import LogisticRegression
        >>> from logistica.inference import summarize
        >>> rng = np.random.default_rng(0)
        >>> X = rng.normal(size=(200, 2)); y = (X[:, 0] + rng.logistic(size=200) > 0).astype(int)
        >>> html = summarize(LogisticRegression(C=np.inf).fit(X, y), X, y).summary().as_html()
        >>> html.splitlines()[:2]
        ['<div class="logistica-summary">', '<h3>Logistic Regression Results</h3>']
        """
        headers = self._headers()
        info = "".join(
            f"<tr><th>{html.escape(label)}</th><td>{html.escape(value)}</td></tr>"
            for label, value in self.info
        )
        parts = [
            '<div class="logistica-summary">',
            f"<h3>{html.escape(self.title)}</h3>",
            f'<table class="logistica-info">{info}</table>',
        ]
        for heading, rows in self._blocks():
            shown = rows.rename(columns=headers).rename_axis(None)
            formatters = {
                headers[key]: (lambda v, d=decimals: _number(v, d))
                for key, (_, decimals) in _COLUMNS.items()
            }
            if heading is not None:
                parts.append(f"<h4>{html.escape(heading)}</h4>")
            parts.append(
                shown.to_html(formatters=formatters, na_rep="", border=0, classes="logistica-coef")
            )
        if self.notes:
            items = "".join(f"<li>{html.escape(note)}</li>" for note in self.notes)
            parts.append(f'<ol class="logistica-notes">{items}</ol>')
        parts.append("</div>")
        return "\n".join(parts)

    def __str__(self) -> str:
        return self.as_text()

    def _repr_html_(self) -> str:
        return self.as_html()


def _pair(label: str, value: str, width: int) -> str:
    text = f"{label}:"
    return text + value.rjust(max(width - len(text), len(value) + 1))


def _number(value: float, decimals: int) -> str:
    """Fixed-point with ``decimals`` digits; scientific when that would hide the value.

    A negative ``decimals`` means fixed-point always (p-values print as ``0.000``).
    """
    if not np.isfinite(value):
        return "" if np.isnan(value) else ("inf" if value > 0 else "-inf")
    if decimals < 0:
        return f"{value:.{-decimals}f}"
    if value != 0 and (abs(value) >= 1e6 or abs(value) < 0.5 * 10.0**-decimals):
        return f"{value:.{decimals - 1}e}"
    return f"{value:.{decimals}f}"


def _table(results: Results, alpha: float, method: str) -> pd.DataFrame:
    intervals = results.conf_int(alpha, method)
    labels = intervals.index
    params = np.asarray(results._params)
    z = params / results._bse
    vif = results.vif()
    features = labels.get_level_values(-1)
    return pd.DataFrame(
        {
            "coef": params,
            "std_err": results._bse,
            "z": z,
            "p_value": 2 * stats.norm.sf(np.abs(z)),
            "ci_lower": intervals["lower"].to_numpy(),
            "ci_upper": intervals["upper"].to_numpy(),
            "odds_ratio": np.exp(params),
            "or_lower": np.exp(intervals["lower"].to_numpy()),
            "or_upper": np.exp(intervals["upper"].to_numpy()),
            "vif": vif.reindex(features).to_numpy(),
        },
        index=labels,
    )


def _notes(results: Results) -> list[str]:
    fit = results._fit
    notes = []
    boot = results.bootstrap
    if boot is not None:
        notes.append(
            f"Bootstrap: {boot.n_boot} resamples of the rows, each refitted as the model was "
            f"(seed {boot.random_state}). std err is their standard deviation (z and P>|z| "
            "use it); intervals are bootstrap intervals for the coefficients this "
            "estimator targets at its penalty: they describe its sampling variability "
            "and do not remove the shrinkage bias."
        )
    elif fit.penalized:
        notes.append(
            "Penalized fit: standard errors, tests and intervals ignore the penalty's bias."
        )
    if fit.firth:
        notes.append(
            "Firth's penalized likelihood: llf, AIC, BIC and LR tests use the penalized "
            "log-likelihood; standard errors use the Fisher information."
        )
    if results.cov_type not in ("nonrobust", "bootstrap"):
        notes.append(f"Standard errors are robust ({results.cov_type}).")
    if not (fit.penalized or fit.firth) and results.separation.separated:
        notes.append(results.separation.message())
    vif = results.vif()
    high = vif[vif > VIF_THRESHOLD]
    if len(high):
        notes.append(
            f"VIF > {VIF_THRESHOLD:g} for {', '.join(high.index)}: multicollinearity "
            "inflates their standard errors."
        )
    if results.condition_number > CONDITION_THRESHOLD:
        notes.append(
            f"The scaled condition number is {results.condition_number:.3g} "
            f"(> {CONDITION_THRESHOLD:g}): the design is ill-conditioned (collinearity)."
        )
    return notes


def build_summary(results: Results, alpha: float = 0.05, method: str = "wald") -> Summary:
    """Assemble the :class:`Summary` of ``results`` (what ``Results.summary`` returns).

    Examples
    --------
    >>> import numpy as np
    >>> from logistica import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]]); y = [0, 0, 1, 0, 1, 1]
    >>> summary = build_summary(LogisticRegression(C=np.inf).fit(X, y).summarize(X, y))
    >>> summary.frame.index.tolist()
    ['intercept', 'x0']
    """
    fit = results._fit
    frame = _table(results, alpha, method)
    classes = ", ".join(map(str, fit.classes))
    info = (
        ("Dep. Variable", fit.response),
        ("Classes", classes if len(classes) <= 24 else f"{len(fit.classes)} classes"),
        ("Model", "MNLogit" if fit.is_multinomial else "Logit"),
        ("Method", results.method),
        ("Covariance Type", results.cov_type),
        ("No. Observations", f"{results.nobs:g}"),
        ("Df Residuals", f"{results.df_resid:g}"),
        ("Df Model", f"{results.df_model:d}"),
        ("Pseudo R-squ.", f"{results.prsquared:.4f}"),
        ("Log-Likelihood", f"{results.llf:#.5g}"),
        ("LL-Null", f"{results.llnull:#.5g}"),
        ("LLR p-value", f"{results.llr_pvalue:#.4g}"),
        ("AIC", f"{results.aic:#.5g}"),
        ("BIC", f"{results.bic:#.5g}"),
    )
    title = "Logistic Regression Results" + (" (Firth)" if fit.firth else "")
    return Summary(title, info, frame, tuple(_notes(results)), alpha)
