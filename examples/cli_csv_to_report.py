"""
The command line: from a CSV to a model file and a report
=========================================================

Three commands: ``logistica fit`` checks the table, holds out a test split, picks ``C`` by
cross-validation and writes the model file (and the HTML report); ``predict`` scores new
rows; ``evaluate`` gates on quality with an exit code. Run here through ``subprocess`` so
the output is shown; in a shell, type the commands.
"""

# %%
import subprocess
import sys
import tempfile
from pathlib import Path

from logistica.datasets import load_breast_cancer

workdir = Path(tempfile.mkdtemp())
X, y = load_breast_cancer()
table = X.iloc[:, :8].assign(diagnosis=y)
table.iloc[:450].to_csv(workdir / "patients.csv", index_label="id")
table.iloc[450:].drop(columns="diagnosis").to_csv(workdir / "new_patients.csv", index_label="id")
table.iloc[450:].to_csv(workdir / "labelled.csv", index_label="id")


def logistica(*args):
    """Run ``logistica ARGS`` and show what it prints; return the exit code."""
    command = [sys.executable, "-m", "logistica.cli", *args]
    done = subprocess.run(command, cwd=workdir, capture_output=True, text=True)
    print("$ logistica", " ".join(args))
    print(done.stdout[-1500:] or done.stderr[-1500:])
    if done.returncode not in (0, 3):  # 3: a --fail-under gate failed, a result, not an error
        raise RuntimeError(f"logistica {args[0]} failed ({done.returncode}):\n{done.stderr}")
    return done.returncode


# %%
# Fit: numeric columns standardized, 20% test split, 3-fold CV over 5 values of C, and a
# threshold tuned for recall ≥ 0.95.
logistica(
    "fit",
    "patients.csv",
    "--target",
    "diagnosis",
    "--exclude",
    "id",
    "--recall-at-least",
    "0.95",
    "--cv",
    "3",
    "--Cs",
    "5",
    "--n-boot",
    "50",
    "--report",
    "report.html",
    "-o",
    "model.json",
)

# %%
# Predict: one row per input row with probabilities, margin, label and decision.
logistica("predict", "model.json", "new_patients.csv", "--keep", "id", "-o", "scores.csv")
print((workdir / "scores.csv").read_text().splitlines()[:4])

# %%
# Evaluate with a quality gate: the exit code is 0 when every condition holds, 3 otherwise.
code = logistica(
    "evaluate",
    "model.json",
    "labelled.csv",
    "--n-boot",
    "50",
    "--fail-under",
    "roc_auc=0.90,recall=0.9",
)
print("exit code", code, "| report:", (workdir / "report.html").stat().st_size // 1024, "kB")
