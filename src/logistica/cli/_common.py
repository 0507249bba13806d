"""What every command shares: exit codes, the one-line error, output streams, common options.

Exit codes (documented in ``logistica --help`` and the README):

====  ====================================================================
code  meaning
====  ====================================================================
0     success
1     an unexpected error (a bug: rerun with ``--debug`` and report it)
2     usage: unknown option, bad option value, conflicting options
3     ``evaluate --fail-under``: a quality gate failed
65    bad data: unreadable or empty table, missing or wrong columns,
      one-class target, missing values, a tampered model file
66    missing input: a data or model file that does not exist
69    unavailable: an optional part that is not installed or not built yet
73    cannot write an output file
====  ====================================================================

Data (predictions, tables, JSON) goes to stdout; messages and progress go to
stderr. Colour and progress are off when stderr is not a terminal or when
``NO_COLOR`` is set.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import sys
import traceback
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console

__all__ = ["EXIT", "CliError", "Ui", "command"]

EXIT = {
    "ok": 0,
    "internal": 1,
    "usage": 2,
    "gate": 3,
    "data": 65,
    "no_input": 66,
    "unavailable": 69,
    "cannot_write": 73,
}


class CliError(Exception):
    """An expected failure: a one-line message and its exit code.

    Parameters
    ----------
    message : str
        What went wrong and, when possible, what to do about it.
    code : str, default="data"
        A key of :data:`EXIT`.
    """

    def __init__(self, message: str, code: str = "data") -> None:
        super().__init__(message)
        self.exit_code = EXIT[code]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


@dataclass
class Ui:
    """Where a command writes: data to stdout, messages and progress to stderr.

    Attributes
    ----------
    json : bool
        Machine-readable output: one JSON document on stdout, no tables.
    quiet : bool
        No messages (errors are still printed).
    debug : bool
        Show the traceback of errors.
    """

    json: bool = False
    quiet: bool = False
    debug: bool = False
    err: Console = field(init=False)
    out: Console = field(init=False)

    def __post_init__(self) -> None:
        no_color = bool(os.environ.get("NO_COLOR"))
        self.err = Console(stderr=True, no_color=no_color, highlight=False, soft_wrap=True)
        self.out = Console(no_color=no_color, highlight=False, soft_wrap=True)
        if not self.out.is_terminal:
            self.out = Console(
                no_color=True, highlight=False, color_system=None, width=120, soft_wrap=True
            )
        if not self.err.is_terminal:
            self.err = Console(
                stderr=True, no_color=True, highlight=False, color_system=None, soft_wrap=True
            )

    @property
    def live(self) -> bool:
        """Whether progress spinners are shown (a terminal, colour allowed, not quiet)."""
        return self.err.is_terminal and not os.environ.get("NO_COLOR") and not self.quiet

    def info(self, message: str) -> None:
        """A message on stderr (not with ``--quiet``)."""
        if not self.quiet:
            self.err.print(message)

    def show(self, renderable) -> None:
        """Human-readable results on stdout (not with ``--json``)."""
        if not self.json:
            self.out.print(renderable)

    def emit(self, document: dict) -> None:
        """The ``--json`` document on stdout."""
        if self.json:
            sys.stdout.write(json.dumps(_plain(document), indent=2) + "\n")
            sys.stdout.flush()

    @contextmanager
    def progress(self, message: str) -> Iterator[None]:
        """A spinner on stderr while a step runs (only on a terminal)."""
        if self.live:
            with self.err.status(message):
                yield
        else:
            yield


def _one_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return " ".join(text.split())


def fail(ui: Ui, error: BaseException) -> typer.Exit:
    """Print the one-line error for ``error`` and return the ``Exit`` to raise."""
    from ..exceptions import ModelFileError

    if isinstance(error, CliError):
        code, text = error.exit_code, _one_line(error)
    elif isinstance(error, ModelFileError):
        code, text = EXIT["data"], f"invalid model file: {_one_line(error)}"
    elif isinstance(error, FileNotFoundError):
        code, text = EXIT["no_input"], f"no such file: {error.filename}"
    elif isinstance(error, ImportError):
        code, text = EXIT["unavailable"], _one_line(error)
    elif isinstance(error, ValueError):
        code, text = EXIT["data"], _one_line(error)
    else:
        code = EXIT["internal"]
        text = f"unexpected {type(error).__name__}: {_one_line(error)} (rerun with --debug)"
    if ui.debug:
        traceback.print_exception(error, file=sys.stderr)
    ui.err.print(f"error: {text}", markup=False)
    return typer.Exit(code)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (tests)
        pass


_COMMON = [
    inspect.Parameter(
        "json_output",
        inspect.Parameter.KEYWORD_ONLY,
        default=False,
        annotation=Annotated[bool, typer.Option("--json", help="Machine-readable JSON on stdout.")],
    ),
    inspect.Parameter(
        "quiet",
        inspect.Parameter.KEYWORD_ONLY,
        default=False,
        annotation=Annotated[bool, typer.Option("--quiet", "-q", help="No messages on stderr.")],
    ),
    inspect.Parameter(
        "debug",
        inspect.Parameter.KEYWORD_ONLY,
        default=False,
        annotation=Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")],
    ),
]


def command(app: typer.Typer, name: str, **settings) -> Callable:
    """Register ``func(ui, ...)`` as a command with ``--json``, ``--quiet`` and ``--debug``.

    The wrapper builds the :class:`Ui`, turns every exception into its
    one-line message and exit code (the traceback with ``--debug``).
    """

    def register(func: Callable) -> Callable:
        hints = typing.get_type_hints(func, include_extras=True)
        signature = inspect.signature(func)
        params = [
            p.replace(annotation=hints.get(name, p.annotation))
            for name, p in list(signature.parameters.items())[1:]
        ]  # without ``ui``

        @functools.wraps(func)
        def wrapper(*args, json_output: bool, quiet: bool, debug: bool, **kwargs):
            ui = Ui(json=json_output, quiet=quiet, debug=debug)
            try:
                func(ui, *args, **kwargs)
            except (typer.Exit, typer.Abort):
                raise
            except BrokenPipeError:  # the reader stopped early (e.g. `| head`): not an error
                _silence_stdout()
                raise typer.Exit(0) from None
            except KeyboardInterrupt:
                ui.err.print("error: interrupted")
                raise typer.Exit(130) from None
            except Exception as error:
                raise fail(ui, error) from None

        wrapper.__signature__ = signature.replace(parameters=[*params, *_COMMON])
        wrapper.__annotations__ = {p.name: p.annotation for p in [*params, *_COMMON]}
        del wrapper.__wrapped__
        app.command(name, **settings)(wrapper)
        return func

    return register
