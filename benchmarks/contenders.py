"""Contenders: logistica and its peers, each fitting scikit-learn's objective for a problem.

A contender is a name, whether it is a *peer* (not logistica), the data layout it prefers
(given to it outside the timing), the problems it applies to, and a ``fit`` that returns the
coefficients in scikit-learn's shapes. Settings: ``default`` (what users run),
``tight`` (a tighter tolerance, to find the fastest peer reaching a gap ≤ 1e-8) and
``reference`` (its tightest tolerance, for the reference optimum).

Penalty mapping: scikit-learn's ``C`` is used as is; glum and skglm minimise
``mean logloss + alpha·(ρ‖w‖₁ + (1-ρ)/2‖w‖²)``, the same objective divided by ``C·n``, so
``alpha = 1/(C·n)``. liblinear penalizes the intercept (its gap cannot vanish; marked †).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .problems import Spec

MAX_DENSE_HESSIAN = 5_000  # contenders forming a dense (d·K)² Hessian skip larger problems


@dataclass(frozen=True)
class Result:
    coef: np.ndarray  # (K, d); (1, d) for a binary problem
    intercept: np.ndarray  # (K,) or (1,)
    n_iter: int
    note: str = ""
    se: np.ndarray | None = None  # standard errors, intercept first (statsmodels' order)


@dataclass(frozen=True)
class Contender:
    name: str
    peer: bool
    fit: Callable[[object, np.ndarray, Spec, float | None, int | None], Result]
    tols: dict[str, tuple[float | None, int | None]]  # setting -> (tol, max_iter); None=default
    applies: Callable[[Spec], str | None] = field(default=lambda spec: None)  # skip reason
    layout: str = "C"  # dense: "C" or "F"; sparse problems get CSR for "C", CSC for "F"
    note: str = ""


def _n_iter(value) -> int:
    return int(np.max(np.atleast_1d(value)))


def _kwargs(tol, max_iter, tol_name="tol", iter_name="max_iter") -> dict:
    out = {}
    if tol is not None:
        out[tol_name] = tol
    if max_iter is not None:
        out[iter_name] = max_iter
    return out


# ---------------------------------------------------------------- logistica
def _logistica(solver: str, with_se: bool = False):
    def fit(X, y, spec, tol, max_iter):
        from logistica import LogisticRegression

        model = LogisticRegression(
            C=spec.C, l1_ratio=spec.l1_ratio, solver=solver, **_kwargs(tol, max_iter)
        ).fit(X, y)
        se = None
        if with_se:
            from logistica import summarize

            se = np.asarray(summarize(model, X, y).bse)
        n_iter = _n_iter(model.n_iter_)
        return Result(model.coef_, model.intercept_, n_iter, f"solver_={model.solver_}", se)

    return fit


def logistica(solver: str = "auto") -> Contender:
    """``logistica <solver>`` at its defaults (any registered solver name)."""
    return Contender(f"logistica {solver}", False, _logistica(solver), {"default": (None, None)})


# ---------------------------------------------------------------- scikit-learn
def _sklearn(solver: str):
    def fit(X, y, spec, tol, max_iter):
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(
            C=spec.C, l1_ratio=spec.l1_ratio, solver=solver, **_kwargs(tol, max_iter)
        ).fit(X, y)
        return Result(model.coef_, model.intercept_, _n_iter(model.n_iter_))

    return fit


def _l2_only(spec: Spec) -> str | None:
    return "L1 not supported" if spec.l1_ratio > 0 else None


def _newton_cholesky_applies(spec: Spec) -> str | None:
    size = spec.d * (spec.n_classes if spec.multinomial else 1)
    if size > MAX_DENSE_HESSIAN:
        return f"dense Hessian of {size}² entries"
    return _l2_only(spec)


def _liblinear_applies(spec: Spec) -> str | None:
    if spec.multinomial:
        return "binary only"
    if not np.isfinite(spec.C):
        return "no unpenalized fit"
    return None


def _binary(spec: Spec) -> str | None:
    return "binary only" if spec.multinomial else None


# ---------------------------------------------------------------- glum
def _glum(solver: str):
    def fit(X, y, spec, tol, max_iter):
        from glum import GeneralizedLinearRegressor

        alpha = 0.0 if not np.isfinite(spec.C) else 1.0 / (spec.C * len(y))
        model = GeneralizedLinearRegressor(
            family="binomial", alpha=alpha, l1_ratio=spec.l1_ratio, solver=solver,
            **_kwargs(tol, max_iter, tol_name="gradient_tol"),
        ).fit(X, y)  # fmt: skip
        return Result(model.coef_[None, :], np.atleast_1d(model.intercept_), model.n_iter_)

    return fit


def _glum_irls_applies(spec: Spec) -> str | None:
    if spec.multinomial:
        return "binary only"
    return f"forms the {spec.d}² Hessian" if spec.d > MAX_DENSE_HESSIAN else None


def _glum_lbfgs_applies(spec: Spec) -> str | None:
    return _binary(spec) or _l2_only(spec)


# ---------------------------------------------------------------- skglm
def _skglm(X, y, spec, tol, max_iter):
    from skglm import SparseLogisticRegression

    kwargs = _kwargs(tol, max_iter)
    if tol is not None and tol < 1e-8:
        kwargs["max_epochs"] = 100_000
    model = SparseLogisticRegression(
        alpha=1.0 / (spec.C * len(y)), l1_ratio=spec.l1_ratio, **kwargs
    ).fit(X, y)
    n_iter = getattr(model, "n_iter_", -1)
    return Result(np.atleast_2d(model.coef_), np.atleast_1d(model.intercept_), _n_iter(n_iter))


def _skglm_applies(spec: Spec) -> str | None:
    return _binary(spec) or (None if spec.l1_ratio > 0 else "L1 only here")


# ---------------------------------------------------------------- statsmodels
def _statsmodels(X, y, spec, tol, max_iter):
    import statsmodels.api as sm

    result = sm.Logit(y, sm.add_constant(X)).fit(method="newton", disp=0)
    bse = np.asarray(result.bse)  # standard errors are part of what is timed
    params = np.asarray(result.params)
    iterations = result.mle_retvals.get("iterations", -1)
    return Result(params[None, 1:], params[:1], iterations, se=bse)


def _unpenalized_binary(spec: Spec) -> str | None:
    if np.isfinite(spec.C):
        return "unpenalized problems only"
    return _binary(spec) or ("dense only" if spec.sparse else None)


_DEFAULT = {"default": (None, None)}
_SK_TIGHT = {"default": (None, None), "tight": (1e-8, 10_000), "reference": (1e-12, 20_000)}

CONTENDERS: dict[str, Contender] = {
    c.name: c
    for c in [
        logistica("auto"),
        Contender(
            "logistica auto + SE",
            False,
            _logistica("auto", with_se=True),
            _DEFAULT,
            _unpenalized_binary,
            note="fit + summarize().bse",
        ),
        Contender("sklearn lbfgs", True, _sklearn("lbfgs"), _SK_TIGHT, _l2_only),
        Contender("sklearn newton-cg", True, _sklearn("newton-cg"), _SK_TIGHT, _l2_only),
        Contender(
            "sklearn newton-cholesky",
            True,
            _sklearn("newton-cholesky"),
            _SK_TIGHT,
            _newton_cholesky_applies,
        ),
        Contender(
            "sklearn saga",
            True,
            _sklearn("saga"),
            {"default": (None, None), "tight": (1e-8, 1_000)},
        ),
        Contender(
            "sklearn liblinear",
            True,
            _sklearn("liblinear"),
            {"default": (None, None), "tight": (1e-8, 1_000)},
            _liblinear_applies,
            note="† penalizes the intercept",
        ),
        Contender(
            "glum irls-cd",
            True,
            _glum("irls-cd"),
            {"default": (None, None), "tight": (1e-9, 1_000), "reference": (1e-12, 1_000)},
            _glum_irls_applies,
            layout="F",
        ),
        Contender(
            "glum lbfgs",
            True,
            _glum("lbfgs"),
            {"default": (None, None), "tight": (1e-9, 10_000)},
            _glum_lbfgs_applies,
            layout="F",
        ),
        Contender(
            "skglm",
            True,
            _skglm,
            {"default": (None, None), "tight": (1e-8, 1_000), "reference": (1e-12, 1_000)},
            _skglm_applies,
            layout="F",
        ),
        Contender(
            "statsmodels Logit",
            True,
            _statsmodels,
            _DEFAULT,
            _unpenalized_binary,
            note="newton + .bse",
        ),
    ]
}


def get(name: str) -> Contender:
    """A registered contender, or ``logistica <solver>`` for any logistica solver name."""
    if name in CONTENDERS:
        return CONTENDERS[name]
    if name.startswith("logistica "):
        return logistica(name.split(" ", 1)[1])
    raise KeyError(f"unknown contender {name!r}; known: {sorted(CONTENDERS)}")


def reference_for(spec: Spec) -> tuple[str, str]:
    """The peer (and setting) whose tightest fit defines f* for ``spec``, never logistica."""
    if spec.l1_ratio > 0:
        # glum's IRLS-CD reaches 1e-16 in seconds where skglm at 1e-12 takes minutes.
        return ("skglm", "reference") if _glum_irls_applies(spec) else ("glum irls-cd", "reference")
    if spec.multinomial and _newton_cholesky_applies(spec) is not None:
        return "sklearn lbfgs", "reference"
    if spec.sparse:
        return "sklearn newton-cg", "reference"
    return "sklearn newton-cholesky", "reference"
