"""Commands on a model file alone: ``summary``, ``verify``, ``export-onnx`` and ``serve``."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from ..io import ModelFile
from ..workflow import coefficient_table
from ._common import EXIT, CliError, Ui, command
from ._model import open_model
from ._render import coefficients_table, fmt

__all__ = ["register", "show_summary"]

ModelArg = Annotated[str, typer.Argument(metavar="MODEL", help="Model file (JSON).")]


def show_summary(ui: Ui, model_file: ModelFile, limit: int | None = None) -> dict:
    """Print the training facts and the coefficient table; the ``--json`` document."""
    model, training = model_file.model, model_file.training
    table = coefficient_table(model, model_file.inference)
    cv = training.get("cv") or {}
    facts = {
        "classes": [str(c) for c in model.classes_],
        "n_rows": training.get("n_rows"),
        "fitted_at": training.get("fitted_at"),
        "solver": training.get("solver"),
        "converged": training.get("converged"),
        "C": cv.get("C", model.C if model.cv is None else None),
        "cv": cv or None,
        "threshold": getattr(model.model_, "threshold_", None),
        "calibration": model.calibration,
        "test_metrics": training.get("test_metrics"),
    }
    positive = f" (positive: {facts['classes'][1]})" if len(facts["classes"]) == 2 else ""
    ui.show(
        f"classes {facts['classes']}{positive}; trained on "
        f"{facts['n_rows']} rows at {facts['fitted_at']}; solver {facts['solver']}, "
        f"converged {facts['converged']}"
    )
    if cv:
        ui.show(f"C = {fmt(cv['C'])} by {cv['n_folds']}-fold CV ({cv['selection']} rule)")
    if facts["threshold"] is not None:
        ui.show(f"decision threshold on P({facts['classes'][-1]}) = {fmt(facts['threshold'])}")
    note = "" if model_file.inference is not None else "; no standard errors stored"
    ui.show(f"odds ratios: numeric columns per standard deviation, levels vs. baseline{note}")
    ui.show(coefficients_table(table, "coefficients", limit=limit))
    records = table.reset_index().replace({np.nan: None}).to_dict(orient="records")
    return {**facts, "coefficients": records}


def _golden_inputs(model_file: ModelFile):
    """The golden input rows stored in the file, as the model takes them."""
    from ..io._encoding import decode_array  # the loader's own readers of golden rows
    from ..io._metadata import _read_inputs

    golden = model_file.document["golden"]
    inputs = _read_inputs(model_file.model, golden["inputs"], "golden.inputs")
    return inputs, decode_array(golden["proba"], "golden.proba")


def register(app: typer.Typer) -> None:
    """Add ``summary``, ``verify``, ``export-onnx`` and ``serve`` to ``app``."""

    @command(app, "summary")
    def summary(ui: Ui, model_path: ModelArg) -> None:
        """Coefficients and odds ratios, the chosen C, threshold and stored test metrics."""
        model_file = open_model(model_path)
        ui.emit(show_summary(ui, model_file))

    @command(app, "verify")
    def verify(
        ui: Ui,
        model_path: ModelArg,
        against: Annotated[
            Path | None, typer.Option(help="An ONNX export to score the golden rows through.")
        ] = None,
        tolerance: Annotated[float, typer.Option(help="Largest allowed difference.")] = 1e-5,
    ) -> None:
        """Check a model file (schema, checksum, golden rows), and its ONNX export."""
        model_file = open_model(model_path)
        inputs, stored = _golden_inputs(model_file)
        document = {
            "model": model_path,
            "format_version": model_file.format_version,
            "checksum": "ok",
            "golden_rows": int(stored.shape[0]),
            "ok": True,
        }
        ui.show(
            f"{model_path}: format {model_file.format_version}, schema ok, checksum ok, "
            f"{stored.shape[0]} golden rows reproduce"
        )
        if against is not None:
            if not against.exists():
                raise CliError(f"no such ONNX file: {against}", "no_input")
            from ..io.onnx import run_onnx

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                onnx_proba = np.asarray(run_onnx(against, inputs)["probabilities"], np.float64)
            worst = float(np.max(np.abs(onnx_proba - stored))) if stored.size else 0.0
            document.update(onnx=str(against), max_abs_difference=worst, ok=worst <= tolerance)
            verdict = "ok" if worst <= tolerance else "TOO LARGE"
            ui.show(
                f"{against}: largest absolute difference on the golden rows {worst:.3g} "
                f"({verdict}, tolerance {tolerance:g})"
            )
        ui.emit(document)
        if not document["ok"]:
            raise typer.Exit(EXIT["data"])

    @command(app, "export-onnx")
    def export(
        ui: Ui,
        model_path: ModelArg,
        out: Annotated[Path, typer.Option("--out", "-o", help="ONNX file to write.")] = Path(
            "model.onnx"
        ),
    ) -> None:
        """Export the model to ONNX (needs the onnx extra)."""
        from ..io.onnx import export_onnx

        model_file = open_model(model_path)
        try:
            path = export_onnx(model_file.model, out)
        except OSError as error:
            raise CliError(
                f"cannot write {out}: {error.strerror or error}", "cannot_write"
            ) from None
        ui.show(
            f"ONNX model written to {path}; check it with: logistica verify {model_path} "
            f"--against {path}"
        )
        ui.emit({"onnx": str(path)})

    @command(app, "serve")
    def serve(
        ui: Ui,
        model_path: ModelArg,
        host: Annotated[str, typer.Option(help="Interface (0.0.0.0: all).")] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
        workers: Annotated[int, typer.Option(min=1)] = 1,
        api_key_file: Annotated[
            Path | None, typer.Option(help="File of accepted API keys.")
        ] = None,
        max_batch: Annotated[int, typer.Option(min=1, help="Most rows per request.")] = 10_000,
        max_body_mb: Annotated[float, typer.Option(help="Largest request body, MB.")] = 10.0,
    ) -> None:
        """Serve the model over HTTP (needs the serve extra)."""
        if not Path(model_path).exists():
            raise CliError(f"no such model file: {model_path}", "no_input")
        try:
            from ..serve import run
        except ImportError as error:
            raise CliError(f"serving is unavailable: {error}", "unavailable") from None
        ui.info(f"serving {model_path} on http://{host}:{port} (Ctrl-C stops)")
        run(
            model_path,
            host=host,
            port=port,
            workers=workers,
            api_key_file=api_key_file,
            max_batch=max_batch,
            max_body_mb=max_body_mb,
        )
