"""Our company's Datadis account: its username and password live in a Secrets Manager secret (never in the
environment, logs or answers), read on first use and kept for the container's life."""

import json
from functools import cached_property
from typing import TYPE_CHECKING

from shared.datadis.clients.datadis_api import DatadisApi

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient


class DatadisAccount:
    def __init__(self, base_url: str, credentials_secret: str) -> None:
        self._base_url = base_url
        self._credentials_secret = credentials_secret

    @cached_property
    def api(self) -> DatadisApi:
        credentials = json.loads(self._secrets.get_secret_value(SecretId=self._credentials_secret)["SecretString"])
        return DatadisApi(self._base_url, credentials["username"], credentials["password"])

    @cached_property
    def _secrets(self) -> "SecretsManagerClient":
        import boto3  # noqa: PLC0415 - created on first use, inside whatever AWS endpoint is current

        return boto3.client("secretsmanager")
