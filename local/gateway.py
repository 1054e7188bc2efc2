"""The template's HttpApi served on localhost, answering as API Gateway (HTTP API, payload 2.0) would."""

from __future__ import annotations

import base64
import json
import logging
import secrets
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from local.auth import UNAUTHORIZED_BODY, JwksCache, JwtAuthorizer, UnauthorizedError, local_jwks_url
from local.background_http import BackgroundHttpService
from local.deployment import Deployment
from local.events import http_api_event, new_api_request_id
from local.functions import FunctionRuntime
from local.routes import RouteTable
from local.template import HttpRoute, TemplateError

logger = logging.getLogger(__name__)

NOT_FOUND_BODY = {"message": "Not Found"}
INTERNAL_SERVER_ERROR_BODY = {"message": "Internal Server Error"}
_HEADER_IDENTITY_SOURCE = "$request.header."
_HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
# Set by the server, whatever the function says.
_SERVER_OWNED_HEADERS = {"content-length", "connection", "transfer-encoding", "date", "server"}


@dataclass(frozen=True)
class GatewayRoute:
    route: HttpRoute
    function: FunctionRuntime
    authorizer: JwtAuthorizer | None  # None: the route is open (Authorizer: NONE, or no default authorizer)


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def json_response(status: int, body: Mapping[str, Any]) -> HttpResponse:
    return HttpResponse(status, [("Content-Type", "application/json")], json.dumps(body).encode())


def response_from_lambda_result(result: Any) -> HttpResponse:
    """What API Gateway makes of a handler's return value (payload 2.0)."""
    if not (isinstance(result, dict) and "statusCode" in result):
        # Without statusCode, API Gateway assumes 200 and sends the value as JSON.
        return HttpResponse(200, [("Content-Type", "application/json")], json.dumps(result).encode())
    headers = [(str(name), str(value)) for name, value in (result.get("headers") or {}).items()]
    headers += [("Set-Cookie", str(cookie)) for cookie in result.get("cookies") or []]
    body = result.get("body") or ""
    data = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
    return HttpResponse(int(result["statusCode"]), headers, data)


class LocalHttpApi(BackgroundHttpService):
    """A threaded HTTP server: concurrent requests run concurrently, as they would in AWS."""

    def __init__(self, routes: Iterable[GatewayRoute], *, host: str = "127.0.0.1", port: int = 0) -> None:
        self._routes = {gateway_route.route: gateway_route for gateway_route in routes}
        self._table = RouteTable(self._routes)
        server = _Server((host, port), _RequestHandler)
        server.api = self
        super().__init__(server, thread_name="local-http-api")

    @property
    def url(self) -> str:
        return self.base_url

    @property
    def routes(self) -> list[GatewayRoute]:
        return list(self._routes.values())

    @property
    def state(self) -> dict[str, str]:
        """What the stack publishes about this source (stack.json, banner)."""
        return {"api_url": self.url}

    def handle(
        self, method: str, target: str, headers: list[tuple[str, str]], body: bytes, source_ip: str
    ) -> tuple[HttpResponse, str | None]:
        """The response to one request, and the function that answered it (None if none ran)."""
        split = urlsplit(target)
        match = self._table.match(method, split.path)
        if match is None:
            return json_response(404, NOT_FOUND_BODY), None
        gateway_route = self._routes[match.route]
        function_id = gateway_route.function.spec.logical_id
        combined_headers = _combine_headers(headers)
        claims = None
        if gateway_route.authorizer is not None:
            try:
                authorizer = gateway_route.authorizer
                claims = authorizer.verify(combined_headers.get(authorizer.identity_header))
            except UnauthorizedError as error:
                logger.info("%s %s: unauthorized: %s", method, split.path, error)
                return json_response(401, UNAUTHORIZED_BODY), None
        request_id = new_api_request_id()
        text, is_base64 = _event_body(body)
        event = http_api_event(
            method,
            split.path,
            route_key=match.route.route_key,
            path_parameters=match.path_parameters,
            query=split.query,
            headers=combined_headers,
            body=text,
            is_base64_encoded=is_base64,
            jwt_claims=claims,
            source_ip=source_ip,
            request_id=request_id,
        )
        try:
            response = response_from_lambda_result(gateway_route.function.invoke(event))
        except Exception:
            # Lambda reports the error and API Gateway answers a bare 500; the traceback goes to the log.
            logger.exception("%s failed on %s %s", function_id, method, split.path)
            response = json_response(500, INTERNAL_SERVER_ERROR_BODY)
        response.headers.append(("apigw-requestid", request_id))
        return response, function_id


def _combine_headers(headers: list[tuple[str, str]]) -> dict[str, str]:
    # API Gateway lower-cases names and joins repeated headers with commas.
    combined: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        combined[key] = f"{combined[key]},{value}" if key in combined else value
    return combined


def _event_body(body: bytes) -> tuple[str | None, bool]:
    if not body:
        return None, False
    try:
        return body.decode("utf-8"), False
    except UnicodeDecodeError:
        return base64.b64encode(body).decode(), True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # bursts of concurrent requests (race tests) must not be refused
    api: LocalHttpApi


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive for clients with sessions; every response has a length

    def _serve(self) -> None:
        started = time.monotonic()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = [(name, value) for name, value in self.headers.items()]
        headers += [
            ("X-Forwarded-For", self.client_address[0]),
            ("X-Forwarded-Proto", "http"),
            ("X-Forwarded-Port", str(self.server.server_address[1])),
            ("X-Amzn-Trace-Id", f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)}"),
        ]
        response, function_id = self.server.api.handle(self.command, self.path, headers, body, self.client_address[0])
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() not in _SERVER_OWNED_HEADERS:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)
        logger.info(
            "%s %s -> %d (%s, %.0f ms)",
            self.command,
            self.path,
            response.status,
            function_id or "gateway",
            (time.monotonic() - started) * 1000,
        )

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: `_serve` logs one line per request through `logging`."""


for _method in _HTTP_METHODS:
    setattr(_RequestHandler, f"do_{_method}", _RequestHandler._serve)


# ---------------------------------------------------------------- assembled from the template


def http_api_from_deployment(
    deployment: Deployment,
    routes: Iterable[HttpRoute],
    functions: Mapping[str, FunctionRuntime],
    *,
    aws_endpoint: str,
    host: str = "127.0.0.1",
    port: int = 0,
) -> LocalHttpApi:
    """A LocalHttpApi serving `routes` (HttpApi events of the template), each with its API's authorizer."""
    authorizers: dict[tuple[str | None, str], JwtAuthorizer] = {}
    gateway_routes = [
        GatewayRoute(
            route=route,
            function=functions[route.function_id],
            authorizer=_route_authorizer(deployment, route, aws_endpoint, authorizers),
        )
        for route in routes
    ]
    return LocalHttpApi(gateway_routes, host=host, port=port)


def _route_authorizer(
    deployment: Deployment,
    route: HttpRoute,
    aws_endpoint: str,
    cache: dict[tuple[str | None, str], JwtAuthorizer],
) -> JwtAuthorizer | None:
    if route.api_id is None:
        auth: dict[str, Any] = {}  # SAM's implicit HttpApi has no authorizer
    else:
        auth = deployment.resolve(deployment.template.resource(route.api_id).properties.get("Auth")) or {}
    name = route.authorizer or auth.get("DefaultAuthorizer")
    if name is None or name == "NONE":
        return None
    if (route.api_id, name) not in cache:
        definition = (auth.get("Authorizers") or {}).get(name)
        if not definition or "JwtConfiguration" not in definition:
            raise TemplateError(f"{route.route_key}: authorizer {name} is not a JWT authorizer; only those run locally")
        identity_source = str(definition.get("IdentitySource", "$request.header.Authorization"))
        if not identity_source.startswith(_HEADER_IDENTITY_SOURCE):
            raise TemplateError(f"authorizer {name}: IdentitySource {identity_source} is not a header")
        jwt_configuration = definition["JwtConfiguration"]
        issuer = str(jwt_configuration["issuer"])
        cache[(route.api_id, name)] = JwtAuthorizer(
            issuer=issuer,
            audiences=[str(audience) for audience in jwt_configuration.get("audience") or []],
            jwks=JwksCache(local_jwks_url(issuer, aws_endpoint)),
            identity_header=identity_source.removeprefix(_HEADER_IDENTITY_SOURCE),
        )
    return cache[(route.api_id, name)]
