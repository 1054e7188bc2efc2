"""SSH keys as operators paste them: a distributor's host key (a known_hosts line) and a client private key.

They are parsed with `cryptography`, which paramiko itself parses keys with, so the API validates exactly
what the poller will load without importing paramiko (which only the poller should pay for at cold start).
`cryptography` is imported on first use: only requests that carry keys need it."""

import base64
from dataclasses import dataclass

# Host key types the poller can pin, and for each the host key algorithms it may negotiate.
HOST_KEY_ALGORITHMS = {
    "ssh-ed25519": ("ssh-ed25519",),
    "ecdsa-sha2-nistp256": ("ecdsa-sha2-nistp256",),
    "ecdsa-sha2-nistp384": ("ecdsa-sha2-nistp384",),
    "ecdsa-sha2-nistp521": ("ecdsa-sha2-nistp521",),
    "ssh-rsa": ("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"),
}


@dataclass(frozen=True)
class HostKey:
    key_type: str  # e.g. ssh-ed25519
    data: str  # the base64 key blob

    def __str__(self) -> str:
        return f"{self.key_type} {self.data}"

    @property
    def blob(self) -> bytes:
        return base64.b64decode(self.data)


def parse_host_key(line: str) -> HostKey:
    """`ssh-ed25519 AAAA... [comment]`, or a whole known_hosts line (host names first); ValueError otherwise."""
    fields = line.split()
    # In a known_hosts line the host names come first; the key type is the first or the second field.
    start = next((index for index, value in enumerate(fields[:2]) if value in HOST_KEY_ALGORITHMS), None)
    if start is None or len(fields) < start + 2:
        raise ValueError(f"must be a public key line such as 'ssh-ed25519 AAAA...' ({', '.join(HOST_KEY_ALGORITHMS)})")
    key = HostKey(fields[start], fields[start + 1])
    from cryptography.exceptions import UnsupportedAlgorithm  # noqa: PLC0415 - see the module doc
    from cryptography.hazmat.primitives.serialization import load_ssh_public_key  # noqa: PLC0415

    try:
        load_ssh_public_key(str(key).encode())
    except (ValueError, UnsupportedAlgorithm):
        raise ValueError(f"the key data is not a valid {key.key_type} public key") from None
    return key


def private_key_type(pem: str) -> str:
    """The SSH type of an unencrypted OpenSSH-format Ed25519, ECDSA or RSA private key; ValueError otherwise."""
    if "-----BEGIN OPENSSH PRIVATE KEY-----" not in pem:
        raise ValueError("must be an OpenSSH private key (-----BEGIN OPENSSH PRIVATE KEY----- ...)")
    from cryptography.exceptions import UnsupportedAlgorithm  # noqa: PLC0415 - see the module doc
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa  # noqa: PLC0415
    from cryptography.hazmat.primitives.serialization import load_ssh_private_key  # noqa: PLC0415

    try:
        key = load_ssh_private_key(pem.encode(), password=None)
    except TypeError:
        raise ValueError("the key is protected by a passphrase: give it without one") from None
    except (ValueError, UnsupportedAlgorithm):
        raise ValueError("not a readable OpenSSH private key") from None
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return "ssh-ed25519"
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name in ("secp256r1", "secp384r1", "secp521r1"):
        return f"ecdsa-sha2-nistp{key.curve.key_size}"
    if isinstance(key, rsa.RSAPrivateKey):
        return "ssh-rsa"
    raise ValueError("unsupported key type: use an Ed25519, ECDSA (NIST P-256/384/521) or RSA key")
