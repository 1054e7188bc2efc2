"""The secret each distributor connection signs in with, kept in Secrets Manager (never in DynamoDB).

One secret per connection, named <prefix><connection id>; a changed credential is a new version of it.
The value is JSON: {"private_key": "..."} or {"password": "..."}. The connection record stores the secret's
name, so the poller reads it without knowing the prefix."""

import json
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient


@dataclass(frozen=True)
class Credential:
    private_key: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)

    def to_json(self) -> str:
        value = {"private_key": self.private_key} if self.private_key is not None else {"password": self.password}
        return json.dumps(value)


class ConnectionSecrets:
    def __init__(self, prefix: str) -> None:
        self._prefix = prefix

    def store(self, connection_id: str, credential: Credential) -> str:
        """Create the connection's secret, or put the credential as its new current version; returns its name."""
        name = f"{self._prefix}{connection_id}"
        client = _client()
        try:
            client.create_secret(
                Name=name, SecretString=credential.to_json(), Description="SFTP credential of a distributor connection"
            )
        except client.exceptions.ResourceExistsException:
            client.put_secret_value(SecretId=name, SecretString=credential.to_json())
        return name


def read_credential(secret_name: str) -> Credential:
    value = json.loads(_client().get_secret_value(SecretId=secret_name)["SecretString"])
    return Credential(private_key=value.get("private_key"), password=value.get("password"))


@cache
def _client() -> "SecretsManagerClient":
    import boto3  # noqa: PLC0415 - created on first use: a function's cold start does not pay for it

    return boto3.client("secretsmanager")
