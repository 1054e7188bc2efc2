"""Our company's Datadis account: its username and password live in a Secrets Manager secret (never in the
environment, logs or answers), read on first use and kept for the container's life."""

import json
from functools import cached_property

from shared.core.clients.secrets import read_secret
from shared.datadis.clients.datadis_api import DatadisApi


class DatadisAccount:
    def __init__(self, base_url: str, credentials_secret: str) -> None:
        self._base_url = base_url
        self._credentials_secret = credentials_secret

    @cached_property
    def api(self) -> DatadisApi:
        credentials = json.loads(read_secret(self._credentials_secret))
        return DatadisApi(self._base_url, credentials["username"], credentials["password"])
