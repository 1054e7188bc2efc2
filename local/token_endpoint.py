"""Cognito's OAuth2 token endpoint for the client-credentials flow, which moto lacks (it answers 500).

`POST /oauth2/token` with `grant_type=client_credentials` (form-encoded), the app client's id and secret in
HTTP Basic auth (or as client_id / client_secret form fields), and optionally `scope`: answers
`{"access_token", "expires_in", "token_type": "Bearer"}` as Cognito does. The client and its secret, allowed
flows and scopes are those moto holds for the template's user pool; the token carries `client_id`, `scope`,
`token_use: access` and the pool's issuer, and is signed with the key moto signs its own tokens with, so the
local gateway verifies it against moto's JWKS like any other. Errors are Cognito's: 400 with
`{"error": "invalid_client" | "unsupported_grant_type" | "unauthorized_client" | "invalid_scope" |
"invalid_request"}`.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import boto3
import jwt
from moto.utilities.utils import load_resource

from local.background_http import BackgroundHttpService
from local.deployment import Deployment

logger = logging.getLogger(__name__)

TOKEN_PATH = "/oauth2/token"
CLIENT_CREDENTIALS = "client_credentials"
_FORM = "application/x-www-form-urlencoded"
_SECONDS_PER_UNIT = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
_DEFAULT_VALIDITY_SECONDS = 3600  # Cognito's default for access tokens


class TokenRequestError(Exception):
    def __init__(self, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: Any

    @classmethod
    def moto(cls) -> SigningKey:
        """The key moto's Cognito signs its tokens with (the one its JWKS publishes)."""
        jwk = load_resource("cognitoidp/resources/jwks-private.json")
        return cls(kid=str(jwk["kid"]), private_key=jwt.PyJWK(jwk).key)


ClientLookup = Callable[[str], Mapping[str, Any] | None]  # client id -> moto's UserPoolClient, None if unknown


def issue_token(
    *,
    authorization: str | None,
    content_type: str | None,
    body: str,
    describe_client: ClientLookup,
    issuer: str,
    key: SigningKey,
    now: float | None = None,
) -> dict[str, Any]:
    """The token response to a client-credentials request; TokenRequestError as Cognito would refuse it."""
    if (content_type or "").split(";")[0].strip().lower() != _FORM:
        raise TokenRequestError("invalid_request", f"the body must be {_FORM}")
    form = {name: values[-1] for name, values in parse_qs(body, keep_blank_values=True).items()}
    client_id, secret = _client_credentials(authorization, form)
    client = describe_client(client_id)
    if client is None or not client.get("ClientSecret") or not hmac.compare_digest(client["ClientSecret"], secret):
        raise TokenRequestError("invalid_client", "unknown client, or wrong secret")
    if form.get("grant_type") != CLIENT_CREDENTIALS:
        raise TokenRequestError("unsupported_grant_type", f"only {CLIENT_CREDENTIALS} is served here")
    if CLIENT_CREDENTIALS not in (client.get("AllowedOAuthFlows") or []):
        raise TokenRequestError("unauthorized_client", f"the client does not allow {CLIENT_CREDENTIALS}")
    allowed = list(client.get("AllowedOAuthScopes") or [])
    scopes = form["scope"].split() if form.get("scope") else allowed
    if not scopes or not set(scopes) <= set(allowed):
        raise TokenRequestError("invalid_scope", f"the client's scopes are {allowed}")
    issued_at = int(time.time() if now is None else now)
    validity = _validity_seconds(client)
    claims = {
        "sub": client_id,
        "token_use": "access",
        "scope": " ".join(scopes),
        "auth_time": issued_at,
        "iss": issuer,
        "exp": issued_at + validity,
        "iat": issued_at,
        "version": 2,
        "jti": str(uuid.uuid4()),
        "client_id": client_id,
    }
    token = jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})
    return {"access_token": token, "expires_in": validity, "token_type": "Bearer"}


def _client_credentials(authorization: str | None, form: Mapping[str, str]) -> tuple[str, str]:
    if authorization:
        scheme, _, encoded = authorization.strip().partition(" ")
        if scheme.lower() != "basic":
            raise TokenRequestError("invalid_client", "use HTTP Basic authentication with the client id and secret")
        try:
            client_id, separator, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise TokenRequestError("invalid_client", "malformed Basic credentials") from None
        if separator:
            return unquote(client_id), unquote(secret)
    elif form.get("client_id") and form.get("client_secret"):
        return form["client_id"], form["client_secret"]
    raise TokenRequestError("invalid_client", "no client credentials")


def _validity_seconds(client: Mapping[str, Any]) -> int:
    if "AccessTokenValidity" not in client:
        return _DEFAULT_VALIDITY_SECONDS
    unit = (client.get("TokenValidityUnits") or {}).get("AccessToken", "hours")
    return int(client["AccessTokenValidity"]) * _SECONDS_PER_UNIT[unit]


class TokenEndpoint(BackgroundHttpService):
    """Serves POST /oauth2/token on its own port until stopped."""

    def __init__(
        self,
        *,
        describe_client: ClientLookup,
        issuer: str,
        machine_clients: Mapping[str, Mapping[str, str]],
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.describe_client = describe_client
        self.issuer = issuer
        self.key = SigningKey.moto()
        self.machine_clients = dict(machine_clients)
        server = _TokenServer((host, port), _TokenRequestHandler)
        server.endpoint = self
        super().__init__(server, thread_name="local-token-endpoint")

    @property
    def url(self) -> str:
        return f"{self.base_url}{TOKEN_PATH}"

    @property
    def state(self) -> dict[str, Any]:
        """Published in stack.json and the banner."""
        return {"token_url": self.url, "machine_clients": self.machine_clients}


class _TokenServer(ThreadingHTTPServer):
    daemon_threads = True
    endpoint: TokenEndpoint


class _TokenRequestHandler(BaseHTTPRequestHandler):
    server: _TokenServer
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode(errors="replace")
        if urlsplit(self.path).path != TOKEN_PATH:
            self._answer(404, {"error": "not_found", "error_description": f"POST {TOKEN_PATH}"})
            return
        endpoint = self.server.endpoint
        try:
            token = issue_token(
                authorization=self.headers.get("Authorization"),
                content_type=self.headers.get("Content-Type"),
                body=body,
                describe_client=endpoint.describe_client,
                issuer=endpoint.issuer,
                key=endpoint.key,
            )
        except TokenRequestError as refused:
            logger.info("token request refused: %s", refused)
            self._answer(400, {"error": refused.error, "error_description": refused.description})
            return
        self._answer(200, token)

    def _answer(self, status: int, body: Mapping[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: refusals are logged through `logging`."""


def start_token_endpoint(
    deployment: Deployment,
    machine_clients: Mapping[str, Mapping[str, str]],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
) -> TokenEndpoint:
    """The token endpoint of the template's user pool, started; it serves any client of the pool, and publishes
    `machine_clients` (the billing systems' clients, by source) with their secrets, which are local and
    throwaway."""
    pool_id = str(deployment.ref(deployment.template.user_pool().logical_id))
    cognito = boto3.client("cognito-idp", region_name=deployment.region)

    def describe_client(client_id: str) -> Mapping[str, Any] | None:
        try:
            return dict(cognito.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"])
        except (cognito.exceptions.ResourceNotFoundException, cognito.exceptions.InvalidParameterException):
            return None

    endpoint = TokenEndpoint(
        describe_client=describe_client,
        issuer=f"https://cognito-idp.{deployment.region}.amazonaws.com/{pool_id}",
        machine_clients=machine_clients,
        host=host,
        port=port,
    )
    endpoint.start()
    return endpoint
