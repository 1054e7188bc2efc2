"""People's sign-in accounts in the Cognito user pool. Creating one sends the invitation email with a
temporary password; the account's `sub` is what links a JWT to a User record."""

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


class AccountExistsError(Exception):
    pass


class EmailRefusedError(Exception):
    """Cognito's own check refuses the address (stricter than the body's: e.g. "=@example.com")."""


@dataclass(frozen=True)
class ExistingAccount:
    sub: str
    groups: frozenset[str]


class SignInAccounts:
    def __init__(self, user_pool_id: str) -> None:
        self._user_pool_id = user_pool_id

    @cached_property
    def _client(self) -> "CognitoIdentityProviderClient":
        # boto3 is imported on first use: functions that never reach Cognito don't pay for it at cold start.
        import boto3  # noqa: PLC0415

        return boto3.client("cognito-idp")

    def create(self, email: str, name: str) -> str:
        """Create the account and return its sub; AccountExistsError if the email already has one."""
        try:
            response = self._client.admin_create_user(
                UserPoolId=self._user_pool_id,
                Username=email,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": "name", "Value": name},
                ],
                DesiredDeliveryMediums=["EMAIL"],
            )
        except self._client.exceptions.UsernameExistsException:
            raise AccountExistsError(email) from None
        except self._client.exceptions.InvalidParameterException as refused:
            raise EmailRefusedError(str(refused)) from None
        attributes = {item["Name"]: item["Value"] for item in response["User"].get("Attributes", [])}
        return attributes["sub"]

    def existing(self, email: str) -> ExistingAccount:
        account = self._client.admin_get_user(UserPoolId=self._user_pool_id, Username=email)
        attributes = {item["Name"]: item["Value"] for item in account.get("UserAttributes", [])}
        groups = self._client.admin_list_groups_for_user(UserPoolId=self._user_pool_id, Username=email)["Groups"]
        return ExistingAccount(attributes["sub"], frozenset(group["GroupName"] for group in groups))

    def set_name(self, email: str, name: str) -> None:
        self._client.admin_update_user_attributes(
            UserPoolId=self._user_pool_id, Username=email, UserAttributes=[{"Name": "name", "Value": name}]
        )

    def delete(self, email: str) -> None:
        # With email as a username attribute, Cognito accepts the email wherever a username is expected.
        self._client.admin_delete_user(UserPoolId=self._user_pool_id, Username=email)
