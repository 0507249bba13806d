"""logistica and its peers side by side: ``python -m benchmarks.run [--quick] [--problems ...]``.

For every problem (``benchmarks.problems``) and every applicable contender
(``benchmarks.contenders``), at its default settings and at a tighter tolerance, one fresh
process per (contender, setting) fits the same data ``--repeat`` times. Reported: median
seconds, iterations, the relative gap ``(f - f*)/|f*|`` of scikit-learn's objective
(``benchmarks.objective``, NumPy, not logistica's code) to a reference optimum f* (a peer at
its tightest tolerance on float64 data, cross-checked against the best objective any
contender reached; the lower one is used and both are recorded), extra peak memory as a
multiple of X's bytes, and the time ratio to the fastest peer at its defaults and to the
fastest peer row reaching a gap ≤ 1e-8. Then the cold start (``benchmarks.coldstart``).
Writes ``benchmarks/results/<timestamp>.{md,json}`` and ``latest.{md,json}``.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from . import coldstart, contenders, problems
from .objective import relative_gap, sklearn_objective
from .problems import Spec

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
TARGET_GAP = 1e-8
DEFAULT_CONTENDERS = list(contenders.CONTENDERS)


def write_data(directory: Path, X, y, layouts: set[str]) -> None:
    """X in every layout a contender asks for (so no worker converts it), and y."""
    np.save(directory / "y.npy", y)
    for layout in layouts:
        if sp.issparse(X):
            name, data = ("X_csc.npz", X.tocsc()) if layout == "F" else ("X_csr.npz", X.tocsr())
            sp.save_npz(directory / name, data, compressed=False)
        else:
            name = "X_F.npy" if layout == "F" else "X.npy"
            np.save(directory / name, np.asfortranarray(X) if layout == "F" else X)


def run_job(
    directory: Path, spec: Spec, name: str, setting: str, repeat: int, timeout: float, **options
) -> dict:
    """Run one contender in a fresh interpreter; returns the worker's report + coefficients."""
    slug = f"{name}-{setting}".replace(" ", "_").replace("+", "p")
    job = {
        "spec": asdict(spec),
        "contender": name,
        "setting": setting,
        "repeat": repeat,
        "data": str(directory),
        "out": str(directory / f"{slug}.npz"),
        **options,
    }
    job_file = directory / f"{slug}.json"
    job_file.write_text(json.dumps(job))
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks._worker", str(job_file)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    lines = [line for line in proc.stdout.splitlines() if line.startswith("@@RESULT ")]
    if not lines:
        return {"error": f"worker exit {proc.returncode}: {proc.stderr.strip()[-300:]}"}
    report = json.loads(lines[-1].removeprefix("@@RESULT "))
    if "error" not in report:
        with np.load(job["out"]) as saved:
            report["coef"], report["intercept"] = saved["coef"], saved["intercept"]
            report["se"] = saved.get("se")
    return report


def _fmt(x: float | None, spec: str) -> str:
    return "–" if x is None or not math.isfinite(x) else format(x, spec)


def bench_problem(spec: Spec, names: list[str], repeat: int, tight: bool, timeout: float) -> dict:
    X, y = problems.make(spec)
    chosen = [contenders.get(name) for name in names]
    ref_name, ref_setting = contenders.reference_for(spec)
    ref_tol = contenders.get(ref_name).tols[ref_setting][0]
    layouts = {c.layout for c in chosen} | {contenders.get(ref_name).layout}
    rows, skipped = [], {}
    with tempfile.TemporaryDirectory(prefix="logistica-bench-") as tmp:
        directory = Path(tmp)
        write_data(directory, X, y, layouts)
        start = time.perf_counter()
        ref = run_job(
            directory, spec, ref_name, ref_setting, 1, 4 * timeout, as_float64=True, warmup=False
        )
        ref_seconds = time.perf_counter() - start
        for contender in chosen:
            reason = contender.applies(spec)
            if reason:
                skipped[contender.name] = reason
                continue
            settings = [s for s in ("default", "tight") if s in contender.tols]
            for setting in settings if tight else settings[:1]:
                report = run_job(directory, spec, contender.name, setting, repeat, timeout)
                report.update(
                    contender=contender.name,
                    setting=setting,
                    peer=contender.peer,
                    contender_note=contender.note,
                )
                rows.append(report)
                print(
                    f"  {contender.name} [{setting}]: "
                    + (report.get("error") or f"{report['seconds']:.3f} s"),
                    flush=True,
                )

    def value(report: dict) -> float:
        return sklearn_objective(X, y, report["coef"], report["intercept"], spec.C, spec.l1_ratio)

    for row in rows:
        if "error" not in row:
            row["objective"] = value(row)
    f_ref = value(ref) if "error" not in ref else math.inf
    ref_nonzeros = int(np.count_nonzero(ref["coef"])) if "error" not in ref else None
    done = [r for r in rows if "objective" in r]
    best = min(done, key=lambda r: r["objective"], default=None)
    f_best = best["objective"] if best else math.inf
    f_star = min(f_ref, f_best)
    for row in done:
        row["gap"] = relative_gap(row["objective"], f_star)
    peer_default = [r for r in done if r["peer"] and r["setting"] == "default"]
    peer_tight = [r for r in done if r["peer"] and r["gap"] <= TARGET_GAP]
    fastest_default = min(peer_default, key=lambda r: r["seconds"], default=None)
    fastest_tight = min(peer_tight, key=lambda r: r["seconds"], default=None)
    for row in done:
        for key, fastest in (("ratio_default", fastest_default), ("ratio_1e-8", fastest_tight)):
            row[key] = row["seconds"] / fastest["seconds"] if fastest else None
    _compare_standard_errors(done)
    for row in rows:
        row.pop("coef", None), row.pop("intercept", None), row.pop("se", None)
    return {
        "problem": asdict(spec),
        "x_bytes": next((r["x_bytes"] for r in rows if "x_bytes" in r), None),
        "reference": {
            "contender": f"{ref_name} ({ref_setting}: tol={ref_tol})",
            "objective": f_ref,
            "nonzero_coefficients": ref_nonzeros,
            "seconds": ref_seconds,
            "error": ref.get("error"),
            "best_contender": f"{best['contender']} [{best['setting']}]" if best else None,
            "best_objective": f_best,
            "f_star_from": "reference" if f_ref <= f_best else "best contender",
            "reference_gap_to_best": relative_gap(f_ref, f_best) if best else None,
        },
        "fastest_peer_default": _summary(fastest_default),
        "fastest_peer_1e-8": _summary(fastest_tight),
        "rows": rows,
        "skipped": skipped,
    }


def _compare_standard_errors(rows: list[dict]) -> None:
    """Note the largest relative difference of each row's standard errors to statsmodels'."""
    peer = next((r["se"] for r in rows if r["contender"] == "statsmodels Logit"), None)
    for row in rows:
        if (
            row.get("se") is not None
            and peer is not None
            and row["contender"] != "statsmodels Logit"
        ):
            diff = float(np.max(np.abs(row["se"] / peer - 1)))
            row["note"] += f"; SEs vs statsmodels: max rel. diff {diff:.1e}"


def _summary(row: dict | None) -> dict | None:
    if row is None:
        return None
    return {key: row[key] for key in ("contender", "setting", "seconds", "gap")}


def problem_markdown(result: dict) -> str:
    spec, ref = result["problem"], result["reference"]
    x_mb = (result["x_bytes"] or 0) / 1e6
    lines = [
        f"### {spec['name']}: {spec['description']}",
        "",
        f"n={spec['n']:,}, d={spec['d']:,}, K={spec['n_classes']}, C={spec['C']:g}, "
        f"l1_ratio={spec['l1_ratio']}, {spec['dtype']}, X = {x_mb:.1f} MB. "
        f"f* from the {ref['f_star_from']}: reference {ref['contender']} "
        f"f={ref['objective']:.12g} ({ref['seconds']:.1f} s, "
        f"{ref['nonzero_coefficients']} non-zero coefficients), best contender "
        f"{ref['best_contender']} f={ref['best_objective']:.12g}; "
        f"reference's gap to the best: {_fmt(ref['reference_gap_to_best'], '.1e')}."
        + (f" Reference failed: {ref['error']}." if ref["error"] else ""),
        "",
        "| contender | setting | time (s) | iters | rel. gap | extra mem (×X) | "
        "× fastest peer default | × fastest peer ≤1e-8 | note |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in result["rows"]:
        name = r["contender"] + (" †" if r["contender_note"].startswith("†") else "")
        if "error" in r:
            lines.append(f"| {name} | {r['setting']} | – | – | – | – | – | – | {r['error']} |")
            continue
        note = "; ".join(x for x in (r["contender_note"].lstrip("† "), r["note"]) if x)
        lines.append(
            f"| {name} | {r['setting']} | {r['seconds']:.3f} | {r['n_iter']} | "
            f"{r['gap']:.1e} | {r['extra_memory']:.2f} | {_fmt(r['ratio_default'], '.2f')} | "
            f"{_fmt(r['ratio_1e-8'], '.2f')} | {note} |"
        )
    if result["skipped"]:
        lines.append("")
        lines.append(
            "Not applicable: " + "; ".join(f"{k} ({v})" for k, v in result["skipped"].items())
        )
    return "\n".join(lines)


def summary_markdown(results: list[dict]) -> str:
    lines = [
        "| problem | fastest peer default | logistica auto | × peer default | "
        "fastest peer ≤1e-8 | × peer ≤1e-8 | logistica extra mem (×X) |",
        "|---|---|---|---:|---|---:|---:|",
    ]
    for result in results:
        ours = next(
            (r for r in result["rows"] if r["contender"] == "logistica auto" and "error" not in r),
            None,
        )
        fd, ft = result["fastest_peer_default"], result["fastest_peer_1e-8"]

        def cell(s: dict | None) -> str:
            return (
                f"{s['contender']} [{s['setting']}] {s['seconds']:.3f} s ({s['gap']:.1e})"
                if s
                else "–"
            )

        lines.append(
            f"| {result['problem']['name']} | {cell(fd)} | {cell(ours)} | "
            f"{_fmt(ours and ours['ratio_default'], '.2f')} | {cell(ft)} | "
            f"{_fmt(ours and ours['ratio_1e-8'], '.2f')} | "
            f"{_fmt(ours and ours['extra_memory'], '.2f')} |"
        )
    return "\n".join(lines)


def environment() -> dict:
    versions = {}
    for package in (
        "logistica",
        "numpy",
        "scipy",
        "scikit-learn",
        "numba",
        "glum",
        "skglm",
        "statsmodels",
    ):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": __import__("os").cpu_count(),
        "git_commit": commit,
        "versions": versions,
    }


def write(stem: str, text: str, payload: dict) -> list[Path]:
    RESULTS.mkdir(exist_ok=True)
    paths = []
    for name in (stem, "latest"):
        (RESULTS / f"{name}.md").write_text(text)
        (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=1, default=str))
        paths += [RESULTS / f"{name}.md", RESULTS / f"{name}.json"]
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="problems ~10× smaller")
    parser.add_argument(
        "--problems",
        nargs="+",
        default=list(problems.PROBLEMS),
        metavar="NAME",
        help=f"of {', '.join(problems.PROBLEMS)}",
    )
    parser.add_argument(
        "--contenders",
        nargs="+",
        default=DEFAULT_CONTENDERS,
        metavar="NAME",
        help="registered names, or 'logistica <solver>'",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed fits per contender")
    parser.add_argument("--no-tight", action="store_true", help="peers at defaults only")
    parser.add_argument("--no-cold-start", action="store_true")
    parser.add_argument("--timeout", type=float, default=None, help="seconds per contender")
    args = parser.parse_args(argv)
    for name in args.problems:
        if name not in problems.PROBLEMS:
            parser.error(f"unknown problem {name!r}; known: {', '.join(problems.PROBLEMS)}")
    timeout = args.timeout or (300.0 if args.quick else 1800.0)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    stem = stamp + ("-quick" if args.quick else "")
    results, cold = [], None
    for name in args.problems:
        spec = problems.PROBLEMS[name].shrunk(args.quick)
        print(f"[{spec.name}] {spec.description}{' (quick)' if args.quick else ''}", flush=True)
        results.append(
            bench_problem(spec, args.contenders, args.repeat, not args.no_tight, timeout)
        )
        report(stem, args, results, cold)  # after every problem: an interrupted run keeps them
    if not args.no_cold_start:
        print("[cold start]", flush=True)
        cold = coldstart.measure(max(args.repeat, 1))
    text, paths = report(stem, args, results, cold)
    print("\n" + text)
    print("written: " + ", ".join(str(p.relative_to(ROOT)) for p in paths))


def report(stem: str, args: argparse.Namespace, results: list[dict], cold: dict | None):
    """Write the markdown and JSON results so far; returns the text and the paths."""
    header = (
        f"# logistica benchmarks, {stem}\n\n"
        f"{json.dumps(environment())}\n\n"
        f"Median of {args.repeat} fits in a fresh process per contender; gaps to f* "
        "on scikit-learn's objective; † penalizes the intercept.\n"
    )
    parts = [header, "## Summary\n", summary_markdown(results)]
    parts += [problem_markdown(r) for r in results]
    if cold:
        parts += ["## Cold start\n", coldstart.markdown(cold)]
    text = "\n\n".join(parts) + "\n"
    payload = {
        "timestamp": stem,
        "quick": args.quick,
        "repeat": args.repeat,
        "environment": environment(),
        "problems": results,
        "cold_start": cold,
    }
    return text, write(stem=stem, text=text, payload=payload)


if __name__ == "__main__":
    main()
