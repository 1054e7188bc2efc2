"""Each resolver answers with the event it resolves, even while another resolver of the process resolves
another event (the local stack runs concurrent invocations in one process)."""

import base64
import json

from aws_lambda_powertools.event_handler.api_gateway import Router

from local.events import LambdaContext, http_api_event
from shared.core.http.resolver import build_resolver, current_caller


def invocation(path: str, sub: str) -> tuple[dict[str, object], LambdaContext]:
    event = http_api_event("GET", path, jwt_claims={"sub": sub})
    return event, LambdaContext("f", timeout_seconds=3)


def test_a_resolver_keeps_its_caller_while_another_resolves_another_request() -> None:
    first, second = Router(), Router()
    callers: dict[str, str] = {}

    @second.get("/second")
    def answer_second() -> dict[str, str]:
        callers["second"] = current_caller(second).sub
        return {}

    second_app = build_resolver(second)

    @first.get("/first")
    def answer_first() -> dict[str, str]:
        second_app.resolve(*invocation("/second", "user-b"))  # another invocation, in the middle of this one
        callers["first"] = current_caller(first).sub
        return {}

    answer = build_resolver(first).resolve(*invocation("/first", "user-a"))

    assert answer["statusCode"] == 200
    assert callers == {"second": "user-b", "first": "user-a"}


def test_a_body_nested_too_deeply_to_parse_is_a_400_naming_the_body() -> None:
    router = Router()

    @router.post("/things")
    def create(thing: dict[str, object]) -> dict[str, object]:
        return thing

    nested = "[" * 100_000 + "]" * 100_000  # json.loads raises RecursionError, not ValueError
    event = http_api_event("POST", "/things", jwt_claims={"sub": "s"}, body=nested)
    answer = build_resolver(router).resolve(event, LambdaContext("f", timeout_seconds=3))

    assert answer["statusCode"] == 400
    assert answer["headers"]["Content-Type"] == "application/problem+json"
    assert json.loads(answer["body"])["errors"][0]["field"] == "body"


def test_a_body_that_is_not_sent_as_json_is_a_400_naming_the_content_type() -> None:
    router = Router()

    @router.post("/things")
    def create(thing: dict[str, object]) -> dict[str, object]:
        return thing

    app = build_resolver(router)
    for content_type in ("multipart/form-data", "application/x-www-form-urlencoded", "text/plain"):
        headers = {"Content-Type": content_type}
        event = http_api_event("POST", "/things", jwt_claims={"sub": "s"}, headers=headers, body='{"a": 1}')
        answer = app.resolve(event, LambdaContext("f", timeout_seconds=3))

        assert answer["statusCode"] == 400, content_type
        assert json.loads(answer["body"])["errors"][0]["field"] == "content-type"
    event = http_api_event(
        "POST",
        "/things",
        jwt_claims={"sub": "s"},
        headers={"Content-Type": "application/json; charset=utf-8"},
        body='{"a": 1}',
    )
    assert app.resolve(event, LambdaContext("f", timeout_seconds=3))["statusCode"] == 200


def test_a_body_that_is_not_utf8_text_is_a_400_naming_the_body() -> None:
    router = Router()

    @router.post("/things")
    def create(thing: dict[str, object]) -> dict[str, object]:
        return thing

    binary = base64.b64encode(b"\xff\xfe{").decode()  # API Gateway passes a body that is not UTF-8 in base64
    event = http_api_event("POST", "/things", jwt_claims={"sub": "s"}, body=binary, is_base64_encoded=True)
    answer = build_resolver(router).resolve(event, LambdaContext("f", timeout_seconds=3))

    assert answer["statusCode"] == 400
    assert json.loads(answer["body"])["errors"][0]["field"] == "body"
