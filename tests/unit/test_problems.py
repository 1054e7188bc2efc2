import json

from shared.core.errors import ConflictError, FieldProblem
from shared.core.http.problems import domain_problem, validation_problem


def test_validation_errors_name_each_field_without_its_location() -> None:
    response = validation_problem(
        [
            {"type": "string_pattern_mismatch", "loc": ("body", "postal_code"), "msg": "bad"},
            {"type": "less_than_equal", "loc": ("query", "limit"), "msg": "too big"},
            {"type": "missing", "loc": ("body", "contracted_power_kw", "P2"), "msg": "missing"},
        ]
    )
    body = json.loads(str(response.body))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert [error["field"] for error in body["errors"]] == ["postal_code", "limit", "contracted_power_kw.P2"]
    assert body["status"] == 422


def test_malformed_json_is_a_400() -> None:
    response = validation_problem([{"type": "json_invalid", "loc": ("body", 3), "msg": "JSON decode error"}])
    assert response.status_code == 400
    assert json.loads(str(response.body))["errors"] == [{"field": "body", "message": "invalid JSON"}]


def test_domain_errors_keep_their_extensions() -> None:
    error = ConflictError("taken", problems=[FieldProblem("address", "taken")], existing_house_id="h1")
    body = json.loads(str(domain_problem(error).body))
    assert body["status"] == 409
    assert body["existing_house_id"] == "h1"
    assert body["errors"] == [{"field": "address", "message": "taken"}]
