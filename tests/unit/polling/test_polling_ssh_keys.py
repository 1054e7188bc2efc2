"""Host keys and private keys as operators paste them, parsed without paramiko."""

from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from shared.metering.ssh_keys import parse_host_key, private_key_type


def openssh_private(key: Any, encryption: Any = None) -> str:
    encoding, openssh = serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH
    return str(key.private_bytes(encoding, openssh, encryption or serialization.NoEncryption()).decode())


def public_line(key: Any) -> str:
    encoding, openssh = serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    return str(key.public_key().public_bytes(encoding, openssh).decode())


KEYS: dict[str, Any] = {
    "ssh-ed25519": ed25519.Ed25519PrivateKey.generate(),
    "ecdsa-sha2-nistp256": ec.generate_private_key(ec.SECP256R1()),
    "ecdsa-sha2-nistp384": ec.generate_private_key(ec.SECP384R1()),
    "ecdsa-sha2-nistp521": ec.generate_private_key(ec.SECP521R1()),
    "ssh-rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
}


@pytest.mark.parametrize("key_type", KEYS)
def test_every_supported_private_key_type(key_type: str) -> None:
    assert private_key_type(openssh_private(KEYS[key_type])) == key_type


@pytest.mark.parametrize("key_type", KEYS)
def test_a_host_key_line_keeps_its_type_and_data(key_type: str) -> None:
    line = public_line(KEYS[key_type])
    key_type_field, data = line.split()
    assert str(parse_host_key(f"{line} comment words")) == line
    assert parse_host_key(f"[sftp.example.es]:2222,10.0.0.7 {line}").key_type == key_type_field
    assert parse_host_key(line).data == data


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("", "must be a public key line"),
        ("AAAAC3NzaC1lZDI1NTE5AAAAI", "must be a public key line"),
        ("ssh-dss AAAAB3NzaC1kc3MAAACBAP", "must be a public key line"),
        ("ssh-ed25519", "must be a public key line"),
        ("ssh-ed25519 not*base64", "not a valid ssh-ed25519 public key"),
        pytest.param(
            f"ssh-ed25519 {public_line(KEYS['ssh-rsa']).split()[1]}",
            "not a valid ssh-ed25519 public key",
            id="rsa-data-labelled-ed25519",
        ),
    ],
)
def test_invalid_host_keys(line: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_host_key(line)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            openssh_private(KEYS["ssh-ed25519"], serialization.BestAvailableEncryption(b"pw")),
            "passphrase",
            id="encrypted",
        ),
        pytest.param(
            KEYS["ssh-rsa"]
            .private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.TraditionalOpenSSL,
                serialization.NoEncryption(),
            )
            .decode(),
            "must be an OpenSSH private key",
            id="legacy-pem",
        ),
        pytest.param(
            "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
            "not a readable",
            id="garbage",
        ),
        pytest.param(public_line(KEYS["ssh-ed25519"]), "must be an OpenSSH private key", id="public-key"),
    ],
)
def test_unusable_private_keys(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        private_key_type(text)
