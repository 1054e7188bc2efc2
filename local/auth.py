"""Bearer-token check done the way API Gateway's HTTP API JWT authorizer does it.

moto's Cognito signs real RS256 tokens and serves their JWKS at `<endpoint>/<pool id>/.well-known/jwks.json`
(all pools share moto's one key, kid "dummy"), with the AWS-form issuer
`https://cognito-idp.<region>.amazonaws.com/<pool id>`. So the check below is the real one: only the
place the keys are fetched from is local.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any

import jwt
import requests

UNAUTHORIZED_BODY = {"message": "Unauthorized"}

_ACCEPTED_TOKEN_USES = ("id", "access")
_JWKS_REFETCH_INTERVAL_SECONDS = 30.0


class UnauthorizedError(Exception):
    """The request is answered 401 {"message": "Unauthorized"}; the reason is only logged, as in AWS."""


def local_jwks_url(issuer: str, aws_endpoint: str) -> str:
    """Where moto serves the JWKS of the Cognito pool named by `issuer` (its last path segment)."""
    pool_id = issuer.rstrip("/").rsplit("/", 1)[-1]
    return f"{aws_endpoint.rstrip('/')}/{pool_id}/.well-known/jwks.json"


def _fetch_json(url: str) -> Mapping[str, Any]:
    response = requests.get(url, timeout=5)
    response.raise_for_status()
    body: Mapping[str, Any] = response.json()
    return body


class JwksCache:
    """Signing keys by kid, fetched once; refetched (at most every 30 s) when an unknown kid shows up."""

    def __init__(self, url: str, *, fetch: Callable[[str], Mapping[str, Any]] = _fetch_json) -> None:
        self.url = url
        self._fetch = fetch
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._lock = threading.Lock()

    def key(self, kid: str) -> jwt.PyJWK:
        with self._lock:
            stale = self._fetched_at is None or time.monotonic() - self._fetched_at > _JWKS_REFETCH_INTERVAL_SECONDS
            if kid not in self._keys and stale:
                try:
                    key_set = jwt.PyJWKSet.from_dict(dict(self._fetch(self.url)))
                except (requests.RequestException, ValueError, jwt.PyJWTError) as error:
                    raise UnauthorizedError(f"cannot read the JWKS at {self.url}: {error}") from error
                self._keys = {k.key_id: k for k in key_set.keys if k.key_id}
                self._fetched_at = time.monotonic()
            try:
                return self._keys[kid]
            except KeyError:
                raise UnauthorizedError(f"no key {kid!r} in the JWKS at {self.url}") from None


class JwtAuthorizer:
    """Verifies bearer tokens against one issuer and its allowed audiences (app client ids)."""

    def __init__(
        self, *, issuer: str, audiences: Collection[str], jwks: JwksCache, identity_header: str = "Authorization"
    ) -> None:
        self.issuer = issuer
        self.audiences = frozenset(audiences)
        self.jwks = jwks
        self.identity_header = identity_header.lower()  # the header the token is read from (IdentitySource)

    def verify(self, authorization: str | None) -> dict[str, Any]:
        """The token's claims (as in the JWT); raises UnauthorizedError as API Gateway would answer 401.

        Checks, as API Gateway does: RS256 signature by a key of the issuer's JWKS, `iss`, `exp`
        (and `nbf`/`iat` when present), `aud` (ID token) or else `client_id` (access token) among the
        audiences; and `token_use` is `id` or `access` (tokens of the user pool, not something else).
        """
        token = _bearer_token(authorization)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise UnauthorizedError(f"malformed token: {error}") from error
        if header.get("alg") != "RS256":
            raise UnauthorizedError(f"algorithm {header.get('alg')!r} is not RS256")
        key = self.jwks.key(str(header.get("kid")))
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                issuer=self.issuer,
                options={"require": ["exp", "iss"], "verify_aud": False},
            )
        except jwt.PyJWTError as error:
            raise UnauthorizedError(f"invalid token: {error}") from error
        audience = claims["aud"] if "aud" in claims else claims.get("client_id")
        candidates = audience if isinstance(audience, list) else [audience]
        if not any(isinstance(candidate, str) and candidate in self.audiences for candidate in candidates):
            raise UnauthorizedError(f"audience {audience!r} is not one of {sorted(self.audiences)}")
        if claims.get("token_use") not in _ACCEPTED_TOKEN_USES:
            raise UnauthorizedError(f"token_use {claims.get('token_use')!r} is not id or access")
        return claims


def _bearer_token(authorization: str | None) -> str:
    # API Gateway accepts the token alone or prefixed with "Bearer ".
    if not authorization or not authorization.strip():
        raise UnauthorizedError("no Authorization header")
    scheme, _, rest = authorization.strip().partition(" ")
    token = rest.strip() if scheme.lower() == "bearer" else authorization.strip()
    if not token:
        raise UnauthorizedError("empty bearer token")
    return token
