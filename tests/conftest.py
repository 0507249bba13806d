"""Shared fixtures: small reference problems built from bundled data."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.preprocessing import StandardScaler


@pytest.fixture(scope="session")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="session")
def wine():
    X, y = load_wine(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="session")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="session")
def synthetic():
    """Overlapping binary data from a known logistic model (no separation)."""
    rng = np.random.default_rng(42)
    X = rng.standard_normal((600, 6))
    beta = np.array([1.0, -0.5, 0.25, 0.0, 0.8, -1.2])
    y = (rng.random(600) < 1 / (1 + np.exp(-(X @ beta - 0.3)))).astype(int)
    return X, y


# Hypothesis profiles for the property and torture suites (tests/properties, tests/torture),
# which take their example counts from the profile: `pytest --hypothesis-profile=ci` runs
# ten times as many. Registered here, in the root conftest, because the option is read
# before the conftest files of sub-directories are imported.
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "default",
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile("default")
