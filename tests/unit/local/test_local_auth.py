import time

import pytest

from local.auth import JwksCache, JwtAuthorizer, UnauthorizedError, local_jwks_url

JWKS_URL = "http://127.0.0.1:5000/eu-west-1_TESTPOOL/.well-known/jwks.json"


@pytest.fixture
def authorizer(tokens, jwks_fetcher) -> JwtAuthorizer:
    return JwtAuthorizer(
        issuer=tokens.issuer, audiences=[tokens.client_id], jwks=JwksCache(JWKS_URL, fetch=jwks_fetcher)
    )


def test_a_valid_id_token_gives_its_claims(authorizer, tokens):
    claims = authorizer.verify(f"Bearer {tokens.mint()}")

    assert claims["aud"] == tokens.client_id
    assert claims["cognito:groups"] == ["operators"]
    assert claims["token_use"] == "id"


def test_a_valid_access_token_is_matched_on_client_id(authorizer, tokens):
    claims = authorizer.verify(f"Bearer {tokens.mint(token_use='access')}")

    assert claims["client_id"] == tokens.client_id
    assert "aud" not in claims


def test_the_token_without_bearer_prefix_is_accepted_as_api_gateway_does(authorizer, tokens):
    assert authorizer.verify(tokens.mint())["sub"]


def test_the_jwks_is_fetched_once_from_the_given_url(authorizer, tokens, jwks_fetcher):
    authorizer.verify(tokens.mint())
    authorizer.verify(tokens.mint(token_use="access"))

    assert jwks_fetcher.calls == [JWKS_URL]


@pytest.mark.parametrize("header", [None, "", "Bearer ", "Bearer not-a-jwt", "Basic dXNlcjpwYXNz"])
def test_a_missing_or_malformed_header_is_unauthorized(authorizer, header):
    with pytest.raises(UnauthorizedError):
        authorizer.verify(header)


def test_a_token_signed_by_another_key_is_unauthorized(authorizer, tokens):
    with pytest.raises(UnauthorizedError, match="Signature"):
        authorizer.verify(f"Bearer {tokens.mint(signing_key=tokens.other_key)}")


def test_a_token_of_another_issuer_is_unauthorized(authorizer, tokens):
    token = tokens.mint(iss="https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_OTHERPOOL")

    with pytest.raises(UnauthorizedError, match="issuer"):
        authorizer.verify(f"Bearer {token}")


@pytest.mark.parametrize("token_use", ["id", "access"])
def test_a_token_for_another_client_is_unauthorized(authorizer, tokens, token_use):
    audience_claim = "aud" if token_use == "id" else "client_id"
    token = tokens.mint(token_use=token_use, **{audience_claim: "another-client"})

    with pytest.raises(UnauthorizedError, match="audience"):
        authorizer.verify(f"Bearer {token}")


def test_an_expired_token_is_unauthorized(authorizer, tokens):
    an_hour_ago = int(time.time()) - 3600
    token = tokens.mint(iat=an_hour_ago - 60, exp=an_hour_ago)

    with pytest.raises(UnauthorizedError, match="expired"):
        authorizer.verify(f"Bearer {token}")


def test_a_token_without_expiry_is_unauthorized(authorizer, tokens):
    with pytest.raises(UnauthorizedError, match="exp"):
        authorizer.verify(f"Bearer {tokens.mint(exp=None)}")


def test_a_token_that_is_neither_id_nor_access_is_unauthorized(authorizer, tokens):
    with pytest.raises(UnauthorizedError, match="token_use"):
        authorizer.verify(f"Bearer {tokens.mint(token_use='refresh', aud=tokens.client_id)}")


def test_an_unreachable_jwks_is_unauthorized(tokens):
    def unreachable(url: str):
        raise ValueError("connection refused")

    authorizer = JwtAuthorizer(
        issuer=tokens.issuer, audiences=[tokens.client_id], jwks=JwksCache(JWKS_URL, fetch=unreachable)
    )

    with pytest.raises(UnauthorizedError, match="JWKS"):
        authorizer.verify(f"Bearer {tokens.mint()}")


def test_the_jwks_url_is_the_pool_path_on_the_local_endpoint():
    url = local_jwks_url("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc", "http://127.0.0.1:5000/")

    assert url == "http://127.0.0.1:5000/eu-west-1_abc/.well-known/jwks.json"
