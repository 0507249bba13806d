"""Schemathesis against the served OpenAPI document: no 5xx, no response off the schema.

Cases are drawn from each operation's hypothesis strategy (bounded examples),
without the schemathesis pytest plugin.
"""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from _serve import Server, tabular_file  # noqa: E402

# Not positive_data_acceptance: the columnar form's cell types depend on the order of
# "columns", which JSON Schema cannot say, so schema-valid columnar bodies may get a 422.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]  # fmt: skip


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    server = Server(tabular_file(folder / "churn.json"), folder / "server.log", max_batch=20)
    yield schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    server.stop()


@pytest.mark.slow
def test_no_server_error_and_conforming_responses(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    operations = [op for op in operations if op.path != "/admin/reload"]
    assert len(operations) >= 10
    for operation in operations:
        examples = 40 if operation.method.upper() == "POST" else 5

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def check(case):
            case.call_and_validate(checks=CHECKS)

        check()
