"""The Typer application: global options and the commands of each module."""

from __future__ import annotations

from typing import Annotated

import typer

from . import demo, evaluate, fit, model_file, predict

__all__ = ["app", "main"]

_EPILOG = (
    "Exit codes: 0 ok, 1 unexpected error (rerun with --debug), 2 usage, 3 quality gate "
    "failed (evaluate --fail-under), 65 bad data or model file, 66 missing input, "
    "69 unavailable (extra not installed), 73 cannot write output. "
    "Data goes to stdout, messages to stderr; NO_COLOR turns colour off."
)

app = typer.Typer(
    name="logistica",
    help="Logistic regression from a table: fit, predict, evaluate, report, deploy.",
    epilog=_EPILOG,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"logistica {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version."
        ),
    ] = None,
) -> None:
    """Logistic regression from a table: fit, predict, evaluate, report, deploy."""


for _module in (fit, predict, evaluate, model_file, demo):
    _module.register(app)


def main() -> None:
    """Run the command line (the ``logistica`` entry point)."""
    app(prog_name="logistica")
