"""Report benchmark: time and size of ``logistica.report.build`` on breast cancer.

A standardized L2 fit on a stratified 75/25 split of the bundled breast-cancer
data (30 features); the report is built with the training data (inference,
separation check, VIF, refit time) and the default 200 bootstrap replicates.
We report the best and median of ``--repeat`` builds after one warm-up build
(which loads matplotlib and the compiled kernels) and the file size. Targets:
under 10 s on 2 cores, under 500 kB. Run with ``python benchmarks/bench_report.py``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sklearn.model_selection import train_test_split

from logistica import LogisticRegression
from logistica.datasets import load_breast_cancer
from logistica.report import build


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--n-boot", type=int, default=200)
    args = parser.parse_args()
    X, y = load_breast_cancer()
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    model = LogisticRegression(standardize=True).fit(X_train, y_train)
    directory = Path(tempfile.mkdtemp())
    path = directory / "report.html"

    def once() -> float:
        start = time.perf_counter()
        build(model, X_test, y_test, path, X_train, y_train, n_boot=args.n_boot)
        return time.perf_counter() - start

    warm = once()
    times = [once() for _ in range(args.repeat)]
    size = path.stat().st_size
    print("| data | features | bootstrap | first build | best | median | size |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| breast cancer, {X_test.shape[0]} test rows | {X.shape[1]} | {args.n_boot} | "
        f"{warm:.2f} s | {min(times):.2f} s | {statistics.median(times):.2f} s | "
        f"{size / 1000:.0f} kB |"
    )


if __name__ == "__main__":
    main()
