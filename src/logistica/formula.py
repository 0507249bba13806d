"""R / statsmodels formulas: ``logit("y ~ x1 + C(region) + x1:x2", data)``.

Needs the ``formula`` extra (`formulaic <https://matthewwardrop.github.io/formulaic/>`_):
``pip install "logistica[formula]"``. Terms are named as statsmodels (patsy)
names them — ``C(region)[T.b]``, ``flag[T.True]``, ``x1:x2`` — and the fitted
model keeps its design, so ``model.summarize()`` needs no data.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .estimators import LogisticRegression

__all__ = ["FormulaDesign", "design_matrix", "logit"]

_NA_ACTIONS = ("raise", "drop")


@dataclass(frozen=True)
class FormulaDesign:
    """What :func:`logit` keeps on the model as ``design_``.

    Attributes
    ----------
    formula : str
        The formula.
    spec : formulaic.ModelSpec
        Its right-hand side, to build the design of new data.
    X : DataFrame
        The design (without the intercept column), rows with missing values dropped.
    y : Series
        The response on the same rows.
    sample_weight, offset : ndarray or None
        The weights and offset of the fit, on the same rows.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0], "y": [0, 1, 0, 1, 1, 0]})
    >>> logit("y ~ x", data).design_.X.columns.tolist()
    ['x']
    """

    formula: str
    spec: Any
    X: pd.DataFrame
    y: pd.Series
    sample_weight: np.ndarray | None
    offset: np.ndarray | None


def _formulaic():
    try:
        import formulaic
    except ImportError:
        raise ImportError(
            'formulas need the formulaic package: pip install "logistica[formula]"'
        ) from None
    return formulaic


def _as_patsy_data(data: pd.DataFrame) -> pd.DataFrame:
    """Boolean columns as two-level categoricals, so they are named ``x[T.True]``."""
    flags = [name for name in data.columns if pd.api.types.is_bool_dtype(data[name])]
    if not flags:
        return data
    data = data.copy()
    for name in flags:
        data[name] = pd.Categorical(data[name], categories=[False, True])
    return data


def _missing_columns(variables, data: pd.DataFrame) -> dict[str, int]:
    """Number of missing values in each column of ``data`` that the formula uses."""
    used = [name for name in sorted(variables, key=str) if name in data.columns]
    counts = {name: int(data[name].isna().sum()) for name in used}
    return {name: count for name, count in counts.items() if count}


def _describe(missing: dict[str, int]) -> str:
    return ", ".join(f"{name!r} ({count} rows)" for name, count in missing.items())


def _response(lhs: pd.DataFrame, data: pd.DataFrame, rows: pd.Index) -> pd.Series:
    if lhs.shape[1] == 1:
        return pd.Series(np.asarray(lhs.iloc[:, 0]), index=rows, name=str(lhs.columns[0]))
    name = str(lhs.model_spec.formula)
    if name not in data.columns:
        raise ValueError(f"the response {name!r} expands to several columns; name a column of data")
    return data.loc[rows, name]


def _rows(values, data: pd.DataFrame, rows: pd.Index, what: str) -> np.ndarray | None:
    """``values`` (one per row of ``data``) restricted to the rows the formula kept."""
    if values is None:
        return None
    values = np.asarray(values, dtype=np.float64)
    if values.shape[0] != len(data):
        raise ValueError(f"{what} has {values.shape[0]} rows but data has {len(data)}")
    return values[data.index.get_indexer(rows)]


def logit(
    formula: str,
    data: pd.DataFrame,
    *,
    C: float = np.inf,
    sample_weight=None,
    offset=None,
    **params,
) -> LogisticRegression:
    """Fit a logistic regression described by a formula (statsmodels' ``smf.logit``).

    Parameters
    ----------
    formula : str
        ``"response ~ terms"`` in Wilkinson notation: ``C(x)`` for categorical
        terms, ``a:b`` for interactions, ``a*b`` for both, ``- 1`` (or ``+ 0``)
        to drop the intercept. A response with more than two classes gives a
        multinomial model.
    data : DataFrame
        The variables; rows with missing values in the formula's variables are
        dropped, as statsmodels does, with a ``UserWarning`` saying how many and
        in which columns (``model.design_.X.index`` holds the rows kept).
    C : float, default=np.inf
        Inverse penalty strength; unpenalized by default, as in statsmodels.
    sample_weight, offset : array-like, optional
        One value per row of ``data``.
    **params
        Other :class:`~logistica.LogisticRegression` parameters (``firth=True``, ...).

    Returns
    -------
    LogisticRegression
        Fitted, with ``feature_names_in_`` from the formula, ``formula_``, and
        ``design_`` (a :class:`FormulaDesign`) so that ``summarize()`` needs no data.

    Raises
    ------
    ImportError
        When formulaic is not installed.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> data = pd.DataFrame({"x": rng.normal(size=200), "region": rng.choice(["a", "b"], 200)})
    >>> data["y"] = (data["x"] + rng.logistic(size=200) > 0).astype(int)
    >>> model = logit("y ~ x + C(region)", data)
    >>> model.summarize().params.index.tolist()
    ['intercept', 'x', 'C(region)[T.b]']
    """
    formulaic = _formulaic()
    # Evaluate the terms in the caller's scope (context=1), not among this function's locals.
    matrices = formulaic.model_matrix(formula, _as_patsy_data(data), context=1)
    lhs = getattr(matrices, "lhs", None)
    if lhs is None:
        raise ValueError(f"the formula {formula!r} has no response; write 'y ~ x1 + x2'")
    rhs = matrices.rhs
    fit_intercept = "Intercept" in rhs.columns
    X = pd.DataFrame(rhs.drop(columns="Intercept") if fit_intercept else rhs)
    if X.shape[1] == 0:
        raise ValueError(f"the formula {formula!r} has no term besides the intercept")
    if len(rhs) < len(data):
        used = lhs.model_spec.required_variables | rhs.model_spec.required_variables
        missing = _missing_columns(used, data)
        warnings.warn(
            f"logit dropped {len(data) - len(rhs)} of {len(data)} rows with missing values "
            f"in the formula's variables: {_describe(missing)}; model.design_.X.index holds "
            "the rows kept",
            UserWarning,
            stacklevel=2,
        )
    y = _response(lhs, data, rhs.index)
    weights = _rows(sample_weight, data, rhs.index, "sample_weight")
    offset = _rows(offset, data, rhs.index, "offset")
    model = LogisticRegression(C=C, fit_intercept=fit_intercept, **params)
    model.fit(X, y, sample_weight=weights, offset=offset)
    model.formula_ = formula
    model.design_ = FormulaDesign(formula, rhs.model_spec, X, y, weights, offset)
    return model


def design_matrix(
    model: LogisticRegression, data: pd.DataFrame, *, na_action: str = "raise"
) -> pd.DataFrame:
    """The design of new ``data`` for a model fitted by :func:`logit`, to predict with.

    Parameters
    ----------
    model : LogisticRegression
        A model fitted by :func:`logit`.
    data : DataFrame
        New data with the variables of the formula's right-hand side.
    na_action : {"raise", "drop"}, default="raise"
        What to do with rows that have missing values in those variables (or whose
        terms evaluate to missing values): ``"raise"`` a ``ValueError`` naming the
        columns, or ``"drop"`` them (the returned index says which rows remain).
        Rows are never dropped unless asked.

    Returns
    -------
    DataFrame
        One column per feature of the model, indexed like ``data``.

    Raises
    ------
    ValueError
        For a model not fitted by :func:`logit`, missing values with
        ``na_action="raise"``, or categories not seen in the fit.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> data = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0], "y": [0, 1, 0, 1, 1, 0]})
    >>> model = logit("y ~ x + I(x ** 2)", data)
    >>> model.predict_proba(design_matrix(model, data.head(2))).shape
    (2, 2)
    """
    design = getattr(model, "design_", None)
    if not isinstance(design, FormulaDesign):
        raise ValueError("the model was not fitted by logistica.formula.logit")
    if na_action not in _NA_ACTIONS:
        raise ValueError(f"na_action must be one of {_NA_ACTIONS}, got {na_action!r}")
    if na_action == "raise":
        missing = _missing_columns(design.spec.required_variables, data)
        if missing:
            raise ValueError(
                f"data has missing values in {_describe(missing)}, used by the formula "
                f"{design.formula!r}; impute them, drop those rows, or pass "
                "na_action='drop'"
            )
    formulaic = _formulaic()
    with warnings.catch_warnings():
        # An unseen category would be encoded as the reference level: refuse it.
        warnings.simplefilter("error", formulaic.errors.DataMismatchWarning)
        try:
            matrix = design.spec.get_model_matrix(_as_patsy_data(data), na_action=na_action)
        except formulaic.errors.DataMismatchWarning as mismatch:
            raise ValueError(f"data does not match the fitted formula: {mismatch}") from None
    return pd.DataFrame(matrix)[list(design.X.columns)]
