"""Tokens signed with a key made for the test, shaped like Cognito's (ID token: aud; access token: client_id).

Shared through fixtures only (a test never imports this module: tests/conftest.py has the same name)."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TESTPOOL"
CLIENT_ID = "test-client-id"
KID = "test-key"


@dataclass(frozen=True)
class TokenFactory:
    private_key: rsa.RSAPrivateKey
    other_key: rsa.RSAPrivateKey  # not in the JWKS
    issuer: str = ISSUER
    client_id: str = CLIENT_ID

    def jwks(self) -> dict[str, Any]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": KID, "alg": "RS256", "use": "sig"}]}

    def mint(self, *, token_use: str = "id", signing_key: Any = None, **overrides: Any) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "sub": "11111111-2222-3333-4444-555555555555",
            "iss": ISSUER,
            "token_use": token_use,
            "iat": now,
            "auth_time": now,
            "exp": now + 3600,
            "cognito:groups": ["operators"],
        }
        claims["aud" if token_use == "id" else "client_id"] = CLIENT_ID
        if token_use == "access":
            claims["scope"] = "aws.cognito.signin.user.admin"
        claims.update(overrides)
        claims = {name: value for name, value in claims.items() if value is not None}
        return jwt.encode(claims, signing_key or self.private_key, algorithm="RS256", headers={"kid": KID})


@pytest.fixture(scope="session")
def tokens() -> TokenFactory:
    def new_key() -> rsa.RSAPrivateKey:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    return TokenFactory(private_key=new_key(), other_key=new_key())


@pytest.fixture
def jwks_fetcher(tokens: TokenFactory) -> Callable[[str], dict[str, Any]]:
    """Stands in for the HTTP fetch of moto's JWKS; records the URLs it was asked for."""
    calls: list[str] = []

    def fetch(url: str) -> dict[str, Any]:
        calls.append(url)
        return tokens.jwks()

    fetch.calls = calls  # type: ignore[attr-defined]
    return fetch
