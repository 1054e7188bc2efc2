"""Billing systems' machine clients, as an administrator creates them (README, "Billing systems"): one app
client per billing system, named after the source it is bound to, allowed the client-credentials flow with the
imports/write scope."""

from typing import Any

from shared.imports.callers import IMPORTS_WRITE_SCOPE
from shared.imports.clients.billing_systems import client_name

LOCAL_SOURCES = ("acme-erp", "other-erp")  # the two the local stack creates


def create_billing_system_client(cognito: Any, user_pool_id: str, source: str) -> dict[str, str]:
    """The new client's id and secret, with its source."""
    client = cognito.create_user_pool_client(
        UserPoolId=user_pool_id,
        ClientName=client_name(source),
        GenerateSecret=True,
        AllowedOAuthFlowsUserPoolClient=True,
        AllowedOAuthFlows=["client_credentials"],
        AllowedOAuthScopes=[IMPORTS_WRITE_SCOPE],
        SupportedIdentityProviders=["COGNITO"],
        AccessTokenValidity=60,
        TokenValidityUnits={"AccessToken": "minutes"},
    )["UserPoolClient"]
    return {"client_id": client["ClientId"], "client_secret": client["ClientSecret"], "source": source}
