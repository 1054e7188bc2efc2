"""PUT/GET /distributor-connections and GET /distributor-connections/{id}/files against moto."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from local.deployment import Deployment
from tests.integration.conftest import REGION, Caller, FunctionsApi

# Hosts under .invalid never resolve: a scheduled poll in the same session fails fast on them.
HOST = "sftp.distributor.invalid"


def private_key_text(key: Any, encryption: Any = None) -> str:
    return str(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            encryption or serialization.NoEncryption(),
        ).decode()
    )


def public_key_line(key: Any) -> str:
    return str(
        key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    )


CLIENT_KEY = private_key_text(ed25519.Ed25519PrivateKey.generate())
HOST_KEY = public_key_line(ed25519.Ed25519PrivateKey.generate())


def connection_body(**changes: Any) -> dict[str, Any]:
    body = {
        "distributor_code": "0021",
        "host": HOST,
        "username": "retailer0762",
        "private_key": CLIENT_KEY,
        "host_key": f"{HOST_KEY} distributor host key",
        "remote_dirs": ["/outbox"],
    }
    return {name: value for name, value in (body | changes).items() if value is not None}


def path(connection_id: str) -> str:
    return f"/distributor-connections/{connection_id}"


def new_id() -> str:
    return f"conn-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="module")
def secretsmanager(deployment: Deployment) -> Any:
    return boto3.client("secretsmanager", region_name=REGION)


@pytest.fixture(scope="module")
def secret_name(deployment: Deployment) -> Any:
    prefix = deployment.function_environment("ManageDistributorConnectionsFunction")["CONNECTION_SECRETS_PREFIX"]
    return lambda connection_id: f"{prefix}{connection_id}"


def test_an_operator_registers_a_connection_and_its_secret_stays_in_secrets_manager(
    api: FunctionsApi, operator: Caller, secretsmanager: Any, secret_name: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    connection_id = new_id()

    reply = api.request("PUT", path(connection_id), operator, json_body=connection_body())

    assert reply.status == 201
    assert reply.function_id == "ManageDistributorConnectionsFunction"
    connection = reply.body
    assert {name: connection[name] for name in connection if name not in ("created_at", "updated_at")} == {
        "id": connection_id,
        "distributor_code": "0021",
        "host": HOST,
        "port": 22,
        "username": "retailer0762",
        "authentication": "private_key",
        "host_key": HOST_KEY,
        "remote_dirs": ["/outbox"],
        "patterns": ["F5D_*", "RF5D_*", "P5D_*"],
        "enabled": True,
        "last_poll": None,
    }
    assert api.request("GET", path(connection_id), operator).body == connection
    stored = secretsmanager.get_secret_value(SecretId=secret_name(connection_id))["SecretString"]
    assert CLIENT_KEY.strip() in stored.replace("\\n", "\n")
    key_body = CLIENT_KEY.splitlines()[1]
    output = capfd.readouterr()
    assert key_body not in output.out + output.err


def test_putting_again_replaces_the_settings_and_versions_the_secret(
    api: FunctionsApi, operator: Caller, secretsmanager: Any, secret_name: Any
) -> None:
    connection_id = new_id()
    created = api.request("PUT", path(connection_id), operator, json_body=connection_body()).body

    reply = api.request(
        "PUT",
        path(connection_id),
        operator,
        json_body=connection_body(private_key=None, password="s3cret-Pa55", port=2222, enabled=False),
    )

    assert reply.status == 200
    assert (reply["authentication"], reply["port"], reply["enabled"]) == ("password", 2222, False)
    assert reply["created_at"] == created["created_at"] and reply["updated_at"] >= created["updated_at"]
    assert "s3cret-Pa55" not in str(reply.body)
    secret = secretsmanager.get_secret_value(SecretId=secret_name(connection_id))
    assert "s3cret-Pa55" in secret["SecretString"]
    versions = secretsmanager.list_secret_version_ids(SecretId=secret_name(connection_id))["Versions"]
    assert len(versions) == 2


@pytest.mark.parametrize(
    "make_key",
    [
        lambda: ec.generate_private_key(ec.SECP256R1()),
        lambda: ec.generate_private_key(ec.SECP521R1()),
        lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048),
    ],
    ids=["ecdsa-p256", "ecdsa-p521", "rsa"],
)
def test_ecdsa_and_rsa_keys_are_accepted(api: FunctionsApi, operator: Caller, make_key: Any) -> None:
    key = make_key()
    body = connection_body(private_key=private_key_text(key), host_key=public_key_line(key))
    assert api.request("PUT", path(new_id()), operator, json_body=body).status == 201


ENCRYPTED_KEY = private_key_text(
    ed25519.Ed25519PrivateKey.generate(), serialization.BestAvailableEncryption(b"passphrase")
)
LEGACY_PEM_KEY = (
    rsa.generate_private_key(public_exponent=65537, key_size=2048)
    .private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    )
    .decode()
)


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"distributor_code": "21", "port": 0}, ["distributor_code", "port"]),
        ({"port": 65536, "host": "not a host"}, ["port", "host"]),
        ({"username": "", "remote_dirs": []}, ["username", "remote_dirs"]),
        ({"remote_dirs": ["outbox", "/in/../etc"]}, ["remote_dirs.0", "remote_dirs.1"]),
        ({"patterns": [], "enabled": "sometimes"}, ["patterns", "enabled"]),
        ({"patterns": ["outbox/F5D_*"]}, ["patterns.0"]),
        ({"password": "also"}, ["private_key", "password"]),
        ({"private_key": None}, ["private_key", "password"]),
        (
            {"private_key": "-----BEGIN OPENSSH PRIVATE KEY-----\nnope\n-----END OPENSSH PRIVATE KEY-----"},
            ["private_key"],
        ),
        ({"private_key": ENCRYPTED_KEY}, ["private_key"]),
        ({"private_key": LEGACY_PEM_KEY}, ["private_key"]),
        ({"host_key": "ssh-ed25519 AAAAnot-base64"}, ["host_key"]),
        ({"host_key": None}, ["host_key"]),
        ({"host_key": HOST_KEY.split()[1]}, ["host_key"]),
        ({"hostname": "typo.example"}, ["hostname"]),
    ],
)
def test_invalid_connections_are_422_naming_every_field(
    api: FunctionsApi, operator: Caller, changes: dict[str, Any], fields: list[str]
) -> None:
    body = connection_body(**{name: value for name, value in changes.items() if value is not None})
    for name in (name for name, value in changes.items() if value is None):
        body.pop(name)

    reply = api.request("PUT", path(new_id()), operator, json_body=body)

    assert reply.status == 422, reply.body
    assert sorted(error["field"] for error in reply["errors"]) == sorted(fields)


def test_errors_never_echo_a_secret(api: FunctionsApi, operator: Caller) -> None:
    reply = api.request("PUT", path(new_id()), operator, json_body=connection_body(password="hunter2-secret", port=0))
    assert reply.status == 422
    assert "hunter2-secret" not in str(reply.body) and CLIENT_KEY.splitlines()[1] not in str(reply.body)


def test_an_invalid_connection_id_is_422(api: FunctionsApi, operator: Caller) -> None:
    reply = api.request("PUT", path("bad.id"), operator, json_body=connection_body())
    assert reply.status == 422
    assert [error["field"] for error in reply["errors"]] == ["connection_id"]


def test_only_operators(api: FunctionsApi, operator: Caller, stranger: Caller) -> None:
    connection_id = new_id()
    assert api.request("PUT", path(connection_id), stranger, json_body=connection_body()).status == 403
    assert api.request("PUT", path(connection_id), operator, json_body=connection_body()).status == 201
    assert api.request("GET", path(connection_id), stranger).status == 403
    assert api.request("GET", "/distributor-connections", stranger).status == 403
    assert api.request("GET", f"{path(connection_id)}/files", stranger).status == 403


def test_unknown_connections_are_404(api: FunctionsApi, operator: Caller) -> None:
    assert api.request("GET", path(new_id()), operator).status == 404
    assert api.request("GET", f"{path(new_id())}/files", operator).status == 404


def test_the_list_pages_through_every_connection_without_secrets(api: FunctionsApi, operator: Caller) -> None:
    mine = {new_id() for _ in range(3)}
    for connection_id in mine:
        body = connection_body(private_key=None, password="pw-in-list")
        assert api.request("PUT", path(connection_id), operator, json_body=body).status == 201
    seen: list[str] = []
    cursor = None
    while True:
        reply = api.request(
            "GET", "/distributor-connections", operator, query={"limit": "2"} | ({"cursor": cursor} if cursor else {})
        )
        assert reply.status == 200 and len(reply["items"]) <= 2
        assert "pw-in-list" not in str(reply.body)
        seen += [item["id"] for item in reply["items"]]
        cursor = reply["next_cursor"]
        if cursor is None:
            break
    assert mine <= set(seen) and len(seen) == len(set(seen))


def test_the_files_of_a_connection_newest_first_with_their_parse_outcome(
    api: FunctionsApi, operator: Caller, deployment: Deployment
) -> None:
    from shared.metering.dal.files import MeteringFileRecord  # noqa: PLC0415 - bound to the deployed table

    connection_id = new_id()
    api.request("PUT", path(connection_id), operator, json_body=connection_body())
    start = datetime(2024, 4, 3, 6, tzinfo=UTC)
    outcomes: list[dict[str, Any]] = [
        {"status": "copied"},
        {"status": "parsed", "rows_stored": 24},
        {"status": "partially_parsed", "rows_stored": 20, "rows_rejected": 4, "error_report_key": "reports/x.csv"},
        {"status": "failed", "error": "not a metering file"},
    ]
    for hour, outcome in enumerate(outcomes):
        name = f"F5D_0021_0762_20240403.{hour}"
        MeteringFileRecord(
            f"raw/{connection_id}/outbox/{name}@100-{1712000000 + hour}",
            connection_id=connection_id,
            remote_path=f"/outbox/{name}",
            name=name,
            size=100,
            remote_mtime=1712000000 + hour,
            copied_at=(start + timedelta(hours=hour)).isoformat(),
            **outcome,
        ).save()

    first = api.request("GET", f"{path(connection_id)}/files", operator, query={"limit": "3"})
    rest = api.request("GET", f"{path(connection_id)}/files", operator, query={"cursor": first["next_cursor"]})

    files = first["items"] + rest["items"]
    assert rest["next_cursor"] is None
    assert [file["name"] for file in files] == [f"F5D_0021_0762_20240403.{hour}" for hour in (3, 2, 1, 0)]
    assert files[0] | {"copied_at": None} == {
        "name": "F5D_0021_0762_20240403.3",
        "remote_path": "/outbox/F5D_0021_0762_20240403.3",
        "size": 100,
        "copied_at": None,
        "object_key": f"raw/{connection_id}/outbox/F5D_0021_0762_20240403.3@100-1712000003",
        "status": "failed",
        "rows_stored": 0,
        "rows_rejected": 0,
        "rows_wrong_season": 0,
        "error": "not a metering file",
        "error_report": None,
    }
    assert (files[1]["status"], files[1]["rows_stored"], files[1]["rows_rejected"], files[1]["error_report"]) == (
        "partially_parsed",
        20,
        4,
        "reports/x.csv",
    )
