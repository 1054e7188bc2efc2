"""The gateway in front of a small handler written by the test (the project's functions have their own tests)."""

import base64
import json
import logging
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from textwrap import dedent

import pytest
import requests

from local.auth import JwksCache, JwtAuthorizer
from local.deployment import Deployment, ProvisionedResource
from local.functions import FunctionRuntime
from local.gateway import GatewayRoute, LocalHttpApi, http_api_from_deployment
from local.template import FunctionSpec, HttpRoute, Template

HANDLER_SOURCE = dedent("""
    import base64
    import json
    import time

    MODULE_NAME = __name__  # tells which loaded instance served a request


    def lambda_handler(event, context):
        path = event["rawPath"]
        if path == "/boom":
            raise RuntimeError("the handler failed")
        if path == "/slow":
            time.sleep(0.6)
        if path == "/bytes":
            return {"statusCode": 200, "headers": {"content-type": "application/octet-stream"},
                    "body": base64.b64encode(b"\\x00\\xffdata").decode(), "isBase64Encoded": True}
        if path == "/bare":
            return {"answer": 42}
        return {
            "statusCode": 207,
            "headers": {"content-type": "application/json", "x-served-by": MODULE_NAME},
            "cookies": ["session=abc; Path=/", "theme=dark"],
            "body": json.dumps({"event": event, "function_name": context.function_name,
                                "remaining_ms": context.get_remaining_time_in_millis()}),
        }
""")


def function_spec(code_dir: Path, logical_id: str = "EchoFunction") -> FunctionSpec:
    return FunctionSpec(
        logical_id=logical_id,
        code_dir=code_dir,
        handler_file=code_dir / "app.py",
        handler_attribute="lambda_handler",
        environment={},
        timeout_seconds=5,
        memory_mb=256,
        events=(),
    )


def http_route(method: str, path: str, function_id: str = "EchoFunction") -> HttpRoute:
    return HttpRoute(function_id=function_id, event_name=path, method=method, path=path, api_id="Api", authorizer=None)


@pytest.fixture
def api(tmp_path, tokens, jwks_fetcher):
    (tmp_path / "app.py").write_text(HANDLER_SOURCE)
    echo = FunctionRuntime(
        function_spec(tmp_path), function_name="test-EchoFunction", region="eu-west-1", account_id="123456789012"
    )
    missing = FunctionRuntime(
        function_spec(tmp_path / "absent", "MissingFunction"),
        function_name="test-MissingFunction",
        region="eu-west-1",
        account_id="123456789012",
    )
    authorizer = JwtAuthorizer(
        issuer=tokens.issuer, audiences=[tokens.client_id], jwks=JwksCache("http://jwks", fetch=jwks_fetcher)
    )
    routes = [GatewayRoute(http_route("GET", "/things/{thing_id}"), echo, authorizer)]
    routes += [
        GatewayRoute(http_route(method, path), echo, None)
        for method, path in [("POST", "/open"), ("GET", "/boom"), ("GET", "/slow"), ("GET", "/bytes"), ("GET", "/bare")]
    ]
    routes.append(GatewayRoute(http_route("GET", "/missing", "MissingFunction"), missing, None))
    gateway = LocalHttpApi(routes, port=0)
    gateway.start()
    yield gateway
    gateway.stop()
    for name in [name for name in sys.modules if name.startswith("local_fn_EchoFunction")]:
        del sys.modules[name]


def test_an_authorized_request_reaches_the_handler_with_the_api_gateway_event(api, tokens):
    token = tokens.mint(**{"cognito:groups": ["operators", "auditors"]})

    response = requests.get(
        f"{api.url}/things/t%201?tag=a&tag=b&empty=",
        headers={"Authorization": f"Bearer {token}", "X-Custom": "yes"},
        timeout=10,
    )

    assert response.status_code == 207
    assert response.headers["x-served-by"] == "local_fn_EchoFunction"
    assert response.headers["apigw-requestid"]
    assert response.raw.headers.getlist("Set-Cookie") == ["session=abc; Path=/", "theme=dark"]
    served = response.json()
    assert served["function_name"] == "test-EchoFunction"
    assert 0 < served["remaining_ms"] <= 5000
    event = served["event"]
    assert event["version"] == "2.0"
    assert event["routeKey"] == "GET /things/{thing_id}"
    assert event["rawPath"] == "/things/t%201"
    assert event["rawQueryString"] == "tag=a&tag=b&empty="
    assert event["queryStringParameters"] == {"tag": "a,b", "empty": ""}
    assert event["pathParameters"] == {"thing_id": "t 1"}
    assert event["headers"]["x-custom"] == "yes"
    assert event["headers"]["x-forwarded-for"] == "127.0.0.1"
    assert event["requestContext"]["requestId"] == response.headers["apigw-requestid"]
    assert event["requestContext"]["http"]["sourceIp"] == "127.0.0.1"
    claims = event["requestContext"]["authorizer"]["jwt"]["claims"]
    assert claims["cognito:groups"] == "[operators auditors]"
    assert claims["aud"] == tokens.client_id
    assert "body" not in event


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer garbage", "Bearer {other_key_token}", "Bearer {expired_token}"],
)
def test_a_request_without_a_valid_token_is_401_before_any_handler_runs(api, tokens, authorization):
    tokens_by_name = {
        "other_key_token": tokens.mint(signing_key=tokens.other_key),
        "expired_token": tokens.mint(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600),
    }
    headers = {"Authorization": authorization.format(**tokens_by_name)} if authorization else {}

    response = requests.get(f"{api.url}/things/t-1", headers=headers, timeout=10)

    assert response.status_code == 401
    assert response.json() == {"message": "Unauthorized"}
    assert "local_fn_EchoFunction" not in sys.modules  # no handler was loaded, let alone run


@pytest.mark.parametrize(("method", "path"), [("GET", "/nothing"), ("DELETE", "/open"), ("GET", "/things")])
def test_a_request_that_matches_no_route_is_404(api, method, path):
    response = requests.request(method, f"{api.url}{path}", timeout=10)

    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}


def test_an_open_route_gets_the_body_and_no_authorizer(api):
    response = requests.post(f"{api.url}/open", json={"name": "Ana"}, timeout=10)

    event = response.json()["event"]
    assert json.loads(event["body"]) == {"name": "Ana"}
    assert event["isBase64Encoded"] is False
    assert "authorizer" not in event["requestContext"]


def test_a_binary_request_body_arrives_base64_encoded(api):
    response = requests.post(f"{api.url}/open", data=b"\x89PNG\xff", timeout=10)

    event = response.json()["event"]
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == b"\x89PNG\xff"


def test_a_base64_response_body_is_sent_decoded(api):
    response = requests.get(f"{api.url}/bytes", timeout=10)

    assert response.content == b"\x00\xffdata"
    assert response.headers["content-type"] == "application/octet-stream"


def test_a_result_without_status_code_is_sent_as_200_json(api):
    response = requests.get(f"{api.url}/bare", timeout=10)

    assert (response.status_code, response.json()) == (200, {"answer": 42})


def test_a_handler_exception_is_a_bare_500_with_the_traceback_in_the_log(api, caplog):
    with caplog.at_level(logging.ERROR, logger="local.gateway"):
        response = requests.get(f"{api.url}/boom", timeout=10)

    assert response.status_code == 500
    assert response.json() == {"message": "Internal Server Error"}
    assert "the handler failed" not in response.text
    failure = next(record for record in caplog.records if record.exc_info)
    assert "EchoFunction failed on GET /boom" in failure.getMessage()
    assert "the handler failed" in str(failure.exc_info[1])


def test_a_function_whose_code_cannot_load_is_500(api):
    response = requests.get(f"{api.url}/missing", timeout=10)

    assert (response.status_code, response.json()) == (500, {"message": "Internal Server Error"})


def test_concurrent_requests_run_at_once_each_in_its_own_instance(api):
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(lambda _: requests.get(f"{api.url}/slow", timeout=10), range(2)))
    elapsed = time.monotonic() - started

    assert [response.status_code for response in responses] == [207, 207]
    assert elapsed < 1.1, "the two 0.6 s requests should overlap"
    served_by = {response.headers["x-served-by"] for response in responses}
    assert served_by == {"local_fn_EchoFunction", "local_fn_EchoFunction_2"}
    # A later request reuses a warm instance rather than loading a third one.
    assert requests.post(f"{api.url}/open", timeout=10).headers["x-served-by"] in served_by


def test_routes_from_the_template_get_their_api_authorizer_unless_they_opt_out(tmp_path):
    (tmp_path / "template.yaml").write_text(
        dedent("""
        Resources:
          Pool:
            Type: AWS::Cognito::UserPool
          Client:
            Type: AWS::Cognito::UserPoolClient
          Api:
            Type: AWS::Serverless::HttpApi
            Properties:
              Auth:
                DefaultAuthorizer: Jwt
                Authorizers:
                  Jwt:
                    IdentitySource: $request.header.X-Token
                    JwtConfiguration:
                      issuer: !Sub "https://cognito-idp.${AWS::Region}.amazonaws.com/${Pool}"
                      audience: [!Ref Client]
          Function:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: fn/
              Handler: app.handler
              Events:
                Private:
                  Type: HttpApi
                  Properties: {ApiId: !Ref Api, Method: GET, Path: /private}
                Public:
                  Type: HttpApi
                  Properties: {ApiId: !Ref Api, Method: GET, Path: /public, Auth: {Authorizer: NONE}}
        """)
    )
    deployment = Deployment(Template.load(tmp_path / "template.yaml"), prefix="t", region="eu-west-1")
    deployment.record("Pool", ProvisionedResource(ref="eu-west-1_pool"))
    deployment.record("Client", ProvisionedResource(ref="client-1"))
    runtime = FunctionRuntime(
        deployment.template.function("Function"), function_name="t-Function", region="eu-west-1", account_id="1"
    )

    api = http_api_from_deployment(
        deployment, deployment.template.http_routes(), {"Function": runtime}, aws_endpoint="http://127.0.0.1:5000"
    )
    api.stop()

    authorizers = {gateway_route.route.path: gateway_route.authorizer for gateway_route in api.routes}
    assert authorizers["/public"] is None
    private = authorizers["/private"]
    assert private is not None
    assert private.issuer == "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool"
    assert private.audiences == {"client-1"}
    assert private.identity_header == "x-token"
    assert private.jwks.url == "http://127.0.0.1:5000/eu-west-1_pool/.well-known/jwks.json"
