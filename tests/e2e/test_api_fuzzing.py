"""Property-based fuzzing of every route of openapi.json with schemathesis, as an operator (the caller who
reaches the most code), against the local stack: valid and invalid bodies, paths and queries never answer a
5xx, and every refusal is a problem (application/problem+json) whose 400 and 422 name each offending field.

Deterministic (the same cases on every run) and bounded, so that it stays well inside CI's time."""

from typing import Any

import pytest
import schemathesis

from tests.e2e.conftest import REPO_ROOT, REQUEST_TIMEOUT_SECONDS, LocalStackHandle

EXAMPLES_PER_ROUTE = 25  # generated per route: under a minute against the local stack


schema = schemathesis.openapi.from_path(REPO_ROOT / "openapi.json")
schema.config.generation.update(
    modes=["positive", "negative"], max_examples=EXAMPLES_PER_ROUTE, deterministic=True, database="none"
)
# Not the coverage phase: it calls methods no route has (TRACE), which API Gateway answers itself.
schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.fixture(scope="module")
def operator_headers(local_stack: LocalStackHandle) -> dict[str, str]:
    return {"Authorization": f"Bearer {local_stack.operator_token()}"}


@schema.parametrize()
def test_generated_requests_never_fail_and_refusals_name_their_fields(
    case: Any, local_stack: LocalStackHandle, operator_headers: dict[str, str]
) -> None:
    response = case.call(base_url=local_stack.api_url, headers=operator_headers, timeout=REQUEST_TIMEOUT_SECONDS)

    assert response.status_code < 500, f"{case.as_curl_command()}: {response.text[:500]}"
    if response.status_code < 400 or response.status_code == 401:  # 401: API Gateway's own body (docs/api.md)
        return
    content_type = {name.lower(): values for name, values in response.headers.items()}["content-type"]
    assert content_type == ["application/problem+json"], response.text[:500]
    problem = response.json()
    assert problem["status"] == response.status_code
    if response.status_code in (400, 422):
        assert problem["errors"], problem
        assert all(error["field"] for error in problem["errors"]), problem
