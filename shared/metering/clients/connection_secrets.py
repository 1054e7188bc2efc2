"""The secret each distributor connection signs in with, kept in Secrets Manager (never in DynamoDB).

One secret per connection, named <prefix><connection id>; a changed credential is a new version of it.
The value is JSON: {"private_key": "..."} or {"password": "..."}. The connection record stores the secret's
name, so the poller reads it without knowing the prefix."""

import json
from dataclasses import dataclass, field

from shared.core.clients.secrets import Secrets, read_secret


@dataclass(frozen=True)
class Credential:
    private_key: str | None = field(default=None, repr=False)
    password: str | None = field(default=None, repr=False)

    def to_json(self) -> str:
        value = {"private_key": self.private_key} if self.private_key is not None else {"password": self.password}
        return json.dumps(value)


class ConnectionSecrets:
    def __init__(self, prefix: str) -> None:
        self._secrets = Secrets(prefix, "SFTP credential of a distributor connection")

    def store(self, connection_id: str, credential: Credential) -> str:
        """Create the connection's secret, or put the credential as its new current version; returns its name."""
        return self._secrets.store(connection_id, credential.to_json())


def read_credential(secret_name: str) -> Credential:
    value = json.loads(read_secret(secret_name))
    return Credential(private_key=value.get("private_key"), password=value.get("password"))
