"""The local stand-in for Cognito's /oauth2/token (client-credentials flow): tokens signed with moto's own key,
which the local gateway verifies against moto's JWKS like any token of the pool; Cognito's refusals."""

import base64
import gzip
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

import pytest

from local.auth import JwksCache, JwtAuthorizer
from local.token_endpoint import SigningKey, TokenRequestError, issue_token

ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_POOL"
FORM = "application/x-www-form-urlencoded"
CLIENT = {
    "ClientId": "machine",
    "ClientSecret": "s3cret",
    "AllowedOAuthFlows": ["client_credentials"],
    "AllowedOAuthScopes": ["imports/write", "imports/read"],
    "AccessTokenValidity": 60,
    "TokenValidityUnits": {"AccessToken": "minutes"},
}


def moto_jwks(_url: str) -> Mapping[str, Any]:
    """The public keys moto's Cognito serves at <endpoint>/<pool>/.well-known/jwks.json."""
    return dict(
        json.loads(gzip.decompress((resources.files("moto") / "cognitoidp/resources/jwks-public.json.gz").read_bytes()))
    )


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def request(
    body: str = "grant_type=client_credentials", authorization: str | None = basic("machine", "s3cret"), **client: Any
) -> dict[str, Any]:
    described = CLIENT | client
    return issue_token(
        authorization=authorization,
        content_type=FORM,
        body=body,
        describe_client=lambda client_id: described if client_id == described["ClientId"] else None,
        issuer=ISSUER,
        key=SigningKey.moto(),
        now=None,
    )


def test_a_client_credentials_token_passes_the_gateways_check_against_motos_jwks() -> None:
    answer = request("grant_type=client_credentials&scope=imports%2Fwrite")
    assert (answer["token_type"], answer["expires_in"]) == ("Bearer", 3600)
    authorizer = JwtAuthorizer(issuer=ISSUER, audiences=["machine"], jwks=JwksCache("moto", fetch=moto_jwks))
    claims = authorizer.verify(f"Bearer {answer['access_token']}")
    assert (claims["client_id"], claims["sub"], claims["token_use"], claims["scope"]) == (
        "machine",
        "machine",
        "access",
        "imports/write",
    )


def test_without_a_scope_the_token_carries_every_scope_the_client_may_have() -> None:
    authorizer = JwtAuthorizer(issuer=ISSUER, audiences=["machine"], jwks=JwksCache("moto", fetch=moto_jwks))
    form = "grant_type=client_credentials&client_id=machine&client_secret=s3cret"
    claims = authorizer.verify(request(form, authorization=None)["access_token"])
    assert claims["scope"] == "imports/write imports/read"


@pytest.mark.parametrize(
    ("body", "authorization", "client", "error"),
    [
        ("grant_type=client_credentials", basic("machine", "wrong"), {}, "invalid_client"),
        ("grant_type=client_credentials", basic("nobody", "s3cret"), {}, "invalid_client"),
        ("grant_type=client_credentials", None, {}, "invalid_client"),
        ("grant_type=password", basic("machine", "s3cret"), {}, "unsupported_grant_type"),
        (
            "grant_type=client_credentials",
            basic("machine", "s3cret"),
            {"AllowedOAuthFlows": ["code"]},
            "unauthorized_client",
        ),
        ("grant_type=client_credentials&scope=admin", basic("machine", "s3cret"), {}, "invalid_scope"),
    ],
)
def test_requests_cognito_refuses_are_refused(
    body: str, authorization: str | None, client: dict[str, Any], error: str
) -> None:
    with pytest.raises(TokenRequestError) as refused:
        request(body, authorization, **client)
    assert refused.value.error == error


def test_the_body_must_be_form_encoded() -> None:
    with pytest.raises(TokenRequestError, match="invalid_request"):
        issue_token(
            authorization=basic("machine", "s3cret"),
            content_type="application/json",
            body="{}",
            describe_client=lambda _: CLIENT,
            issuer=ISSUER,
            key=SigningKey.moto(),
        )
