"""Secrets Manager: credentials are kept there, never in DynamoDB, the environment, logs or answers. A secret named
<prefix><key> is created on first store and gets a new version on each later one; records keep the secret's name,
so that a reader needs no prefix."""

from contextlib import suppress
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient


class Secrets:
    def __init__(self, prefix: str, description: str) -> None:
        self._prefix = prefix
        self._description = description

    def store(self, key: str, value: str) -> str:
        """Create the secret, or put `value` as its new current version; returns its name."""
        name = f"{self._prefix}{key}"
        client = _client()
        try:
            client.create_secret(Name=name, SecretString=value, Description=self._description)
        except client.exceptions.ResourceExistsException:
            client.put_secret_value(SecretId=name, SecretString=value)
        return name


def read_secret(name: str) -> str:
    return _client().get_secret_value(SecretId=name)["SecretString"]


def delete_secret(name: str) -> None:
    """Scheduled for deletion (Secrets Manager keeps it 30 days, then it is gone); nothing if it never existed."""
    client = _client()
    with suppress(client.exceptions.ResourceNotFoundException):
        client.delete_secret(SecretId=name)


@cache
def _client() -> "SecretsManagerClient":
    import boto3  # noqa: PLC0415 - created on first use: a function's cold start does not pay for it

    return boto3.client("secretsmanager")
