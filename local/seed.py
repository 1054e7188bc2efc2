"""People the local stack creates so that someone can sign in right away."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


def seed_user(
    cognito: CognitoIdentityProviderClient,
    *,
    user_pool_id: str,
    email: str,
    password: str,
    groups: Iterable[str] = (),
) -> str:
    """Create a confirmed user with a permanent password (no invitation, no forced change); returns the
    Cognito username (a UUID when the pool signs in by email)."""
    user = cognito.admin_create_user(
        UserPoolId=user_pool_id,
        Username=email,
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
        MessageAction="SUPPRESS",
    )["User"]
    username = user["Username"]
    cognito.admin_set_user_password(UserPoolId=user_pool_id, Username=username, Password=password, Permanent=True)
    for group in groups:
        cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=username, GroupName=group)
    return username
