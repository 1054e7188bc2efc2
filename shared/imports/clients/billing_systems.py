"""The billing systems' app clients in the user pool. Each billing system has one of its own, named
`billing-system.<source>`: the one source whose contracts and invoices it may send and correct. Only ids and
names are read (ListUserPoolClients), never secrets; they are kept for the container's life and read again when
an unknown client calls."""

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient

CLIENT_NAME_PREFIX = "billing-system."


def client_name(source: str) -> str:
    return CLIENT_NAME_PREFIX + source


class BillingSystemClients:
    def __init__(self, user_pool_id: str) -> None:
        self._user_pool_id = user_pool_id
        self._sources: dict[str, str] = {}

    @cached_property
    def _client(self) -> "CognitoIdentityProviderClient":
        import boto3  # noqa: PLC0415 - created on first use: GET /imports by an operator never needs it

        return boto3.client("cognito-idp")

    def source_of(self, client_id: str) -> str | None:
        """The source the app client is bound to; None for a client that is no billing system's."""
        if client_id not in self._sources:
            self._sources = self._read()
        return self._sources.get(client_id)

    def _read(self) -> dict[str, str]:
        sources = {}
        for page in self._client.get_paginator("list_user_pool_clients").paginate(UserPoolId=self._user_pool_id):
            for client in page["UserPoolClients"]:
                name = client.get("ClientName", "")
                if name.startswith(CLIENT_NAME_PREFIX):
                    sources[client["ClientId"]] = name.removeprefix(CLIENT_NAME_PREFIX)
        return sources
