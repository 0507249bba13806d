"""Prometheus metrics of the service (``GET /metrics``), in a registry of its own.

Traffic: requests by endpoint, method and status; a latency histogram by
endpoint; rows scored. Model: ``logistica_model_info`` (1 for the model being
served, labelled by name, version and checksum) and reloads by outcome. What a
classifier's owner watches: decisions per class, a histogram of predicted
probabilities per class (the positive class only for binary models), levels
unseen in training and out-of-range numbers per column.

With several workers every worker process answers ``/metrics`` with its own
counts (scrape each worker, or run one worker per container).
"""

from __future__ import annotations

import collections
import threading

import numpy as np
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import HistogramMetricFamily
from prometheus_client.registry import Collector

__all__ = ["CONTENT_TYPE", "ServiceMetrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_PROBABILITY_EDGES = np.round(np.linspace(0.05, 1.0, 20), 2)


class _ProbabilityHistogram(Collector):
    """Histogram of predicted probabilities, filled a whole batch at a time (numpy)."""

    name = "logistica_predicted_probability"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, np.ndarray] = {}
        self._sums: dict[str, float] = {}

    def observe(self, label: str, values: np.ndarray) -> None:
        size = _PROBABILITY_EDGES.size
        bins = np.searchsorted(_PROBABILITY_EDGES, values, side="left")
        counts = np.bincount(bins, minlength=size)[:size]
        with self._lock:
            self._counts[label] = self._counts.get(label, 0) + counts
            self._sums[label] = self._sums.get(label, 0.0) + float(values.sum())

    def collect(self):
        family = HistogramMetricFamily(
            self.name, "Predicted class probabilities of scored rows", labels=["class"]
        )
        with self._lock:
            for label, counts in self._counts.items():
                cumulative = np.cumsum(counts)
                buckets = [
                    (f"{edge:g}", float(c))
                    for edge, c in zip(_PROBABILITY_EDGES, cumulative, strict=True)
                ]
                buckets.append(("+Inf", float(cumulative[-1])))
                family.add_metric([label], buckets, self._sums[label])
        yield family


class ServiceMetrics:
    """The service's metrics, registered in a private ``CollectorRegistry``."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter("logistica_requests", "HTTP requests by endpoint and status",
                                ["endpoint", "method", "status"], registry=r)  # fmt: skip
        self.latency = Histogram("logistica_request_duration_seconds", "Request latency",
                                 ["endpoint"], buckets=_LATENCY_BUCKETS, registry=r)  # fmt: skip
        self.rows = Counter("logistica_rows_scored", "Rows scored", registry=r)
        self.model = Gauge("logistica_model_info", "The model being served (value 1)",
                           ["name", "version", "checksum"], registry=r)  # fmt: skip
        self.reloads = Counter("logistica_reloads", "Model reloads by outcome", ["outcome"],
                               registry=r)  # fmt: skip
        self.classes = Counter("logistica_predicted_class", "Decisions per class", ["class"],
                               registry=r)  # fmt: skip
        self.unseen = Counter("logistica_unseen_levels", "Levels unseen in training, per "
                              "column", ["column"], registry=r)  # fmt: skip
        self.out_of_range = Counter("logistica_out_of_range_values", "Out-of-range numbers "
                                    "per column", ["column"], registry=r)  # fmt: skip
        self.probabilities = _ProbabilityHistogram()
        r.register(self.probabilities)

    def set_model(self, identity: dict) -> None:
        """Point ``logistica_model_info`` at the model now served."""
        self.model.clear()
        self.model.labels(identity["name"], identity["version"], identity["checksum"]).set(1)

    def observe_request(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        """Count one request and its latency."""
        self.requests.labels(endpoint, method, str(status)).inc()
        self.latency.labels(endpoint).observe(seconds)

    def observe_batch(self, classes, proba, decision, unseen: dict, out_of_range: dict) -> None:
        """Rows, decisions, probabilities and drift counters of one scored batch."""
        self.rows.inc(proba.shape[0])
        for value, count in collections.Counter(np.asarray(decision).tolist()).items():
            self.classes.labels(str(value)).inc(count)
        shown = range(1, 2) if proba.shape[1] == 2 else range(proba.shape[1])
        for j in shown:
            self.probabilities.observe(str(classes[j]), proba[:, j])
        for column, count in unseen.items():
            self.unseen.labels(column).inc(count)
        for column, count in out_of_range.items():
            self.out_of_range.labels(column).inc(count)

    def exposition(self) -> bytes:
        """The Prometheus text format of every metric."""
        return generate_latest(self.registry)
