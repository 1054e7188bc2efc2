"""The PUT /distributor-connections body: defaults, normal forms, and errors that name their fields."""

from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from pydantic import ValidationError

from shared.metering.models import Authentication, ConnectionPut

KEY = ed25519.Ed25519PrivateKey.generate()
PRIVATE_KEY = KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, serialization.NoEncryption()
).decode()
HOST_KEY = (
    ed25519.Ed25519PrivateKey.generate()
    .public_key()
    .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    .decode()
)
BODY: dict[str, Any] = {
    "distributor_code": "0021",
    "host": "SFTP.Distributor.es",
    "username": "retailer",
    "private_key": PRIVATE_KEY,
    "host_key": f"sftp.distributor.es {HOST_KEY} a comment",
    "remote_dirs": ["/outbox/", "/data//curves"],
}


def fields_in_error(body: dict[str, Any]) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        ConnectionPut.model_validate(body)
    return sorted(".".join(str(part) for part in error["loc"]) for error in raised.value.errors())


def test_defaults_and_normal_forms() -> None:
    settings = ConnectionPut.model_validate(BODY)
    assert (settings.port, settings.patterns, settings.enabled) == (
        22,
        ["F5D_*", "RF5D_*", "P5D_*", "A5D_*", "B5D_*"],
        True,
    )
    assert settings.host == "sftp.distributor.es"
    assert settings.host_key == HOST_KEY
    assert settings.remote_dirs == ["/outbox", "/data/curves"]
    assert settings.authentication is Authentication.PRIVATE_KEY
    assert ConnectionPut.model_validate(BODY | {"host": "10.0.0.7"}).host == "10.0.0.7"


def test_password_instead_of_a_key() -> None:
    body = {name: value for name, value in BODY.items() if name != "private_key"} | {"password": "pw"}
    assert ConnectionPut.model_validate(body).authentication is Authentication.PASSWORD


@pytest.mark.parametrize(
    "credentials",
    [{"private_key": PRIVATE_KEY, "password": "pw"}, {}, {"private_key": None, "password": None}],
)
def test_exactly_one_credential_naming_both_fields(credentials: dict[str, Any]) -> None:
    body = {name: value for name, value in BODY.items() if name != "private_key"} | credentials
    assert fields_in_error(body) == ["password", "private_key"]


def test_the_credential_rule_is_reported_with_the_other_errors() -> None:
    body = BODY | {"password": "pw", "port": 0, "remote_dirs": ["relative"]}
    assert fields_in_error(body) == ["password", "port", "private_key", "remote_dirs.0"]


def test_a_validation_error_never_shows_a_secret() -> None:
    with pytest.raises(ValidationError) as raised:
        ConnectionPut.model_validate(BODY | {"password": "hunter2-secret", "private_key": "not a key"})
    assert "hunter2-secret" not in str(raised.value) and "not a key" not in str(raised.value)
    assert PRIVATE_KEY.splitlines()[1] not in repr(ConnectionPut.model_validate(BODY))
