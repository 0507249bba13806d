"""Example data bundled with scikit-learn, as pandas frames (no network access).

Each loader returns ``(X, y)``: a DataFrame of features with their names and a
Series of class labels as strings, so examples read like real tables.
"""

from __future__ import annotations

import pandas as pd
from sklearn import datasets as _sk

__all__ = ["load_breast_cancer", "load_digits", "load_iris", "load_wine"]


def _load(loader, name: str) -> tuple[pd.DataFrame, pd.Series]:
    bunch = loader(as_frame=True)
    X = bunch.data.copy()
    X.columns = [str(c) for c in X.columns]
    labels = pd.Series(bunch.target_names[bunch.target.to_numpy()], name=name, index=X.index)
    return X, labels.astype(str)


def load_breast_cancer() -> tuple[pd.DataFrame, pd.Series]:
    """Wisconsin diagnostic breast cancer: 569 tumours, 30 features, malignant vs benign.

    Returns
    -------
    X : DataFrame of shape (569, 30)
    y : Series of str, ``"malignant"`` or ``"benign"``

    Examples
    --------
    >>> X, y = load_breast_cancer()
    >>> X.shape, sorted(y.unique())
    ((569, 30), ['benign', 'malignant'])
    """
    return _load(_sk.load_breast_cancer, "diagnosis")


def load_iris() -> tuple[pd.DataFrame, pd.Series]:
    """Fisher's iris: 150 flowers, 4 measurements, 3 species.

    Examples
    --------
    >>> X, y = load_iris()
    >>> X.shape, y.nunique()
    ((150, 4), 3)
    """
    return _load(_sk.load_iris, "species")


def load_wine() -> tuple[pd.DataFrame, pd.Series]:
    """Wine recognition: 178 wines, 13 chemical measurements, 3 cultivars.

    Examples
    --------
    >>> X, y = load_wine()
    >>> X.shape, y.nunique()
    ((178, 13), 3)
    """
    return _load(_sk.load_wine, "cultivar")


def load_digits() -> tuple[pd.DataFrame, pd.Series]:
    """Handwritten digits: 1797 images of 8×8 pixels, 10 classes ``"0"`` to ``"9"``.

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, y.nunique()
    ((1797, 64), 10)
    """
    return _load(_sk.load_digits, "digit")
