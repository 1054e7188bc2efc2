"""Billing systems' machine clients, as an administrator creates them (README, "Billing systems"): one app
client per billing system, named after the source it is bound to, allowed the client-credentials flow with the
imports/write scope. And the sender registered for a source in BillingSystemSenders: moto reports every SQS
message as sent by one IAM user, so that messages sent straight to the import queue are one source's."""

from typing import Any

from moto.sqs.models import DEFAULT_SENDER_ID

from shared.imports.callers import IMPORTS_WRITE_SCOPE
from shared.imports.clients.billing_systems import client_name

LOCAL_SOURCES = ("acme-erp", "other-erp")  # the two the local stack creates
QUEUE_SENDER_SOURCE = LOCAL_SOURCES[0]  # the one that sends straight to the import queue
QUEUE_SENDER_ID = DEFAULT_SENDER_ID  # the SenderId of every message moto queues


def queue_sender(source: str) -> str:
    """The BillingSystemSenders entry binding what is sent straight to the import queue here to `source`."""
    return f"{source}={QUEUE_SENDER_ID}"


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
