"""What the Datadis functions read from their environment, apart from the use cases so that each function
imports only its own."""

from shared.core.settings import FunctionSettings


class DatadisSettings(FunctionSettings):
    """What every Datadis function reads: Datadis' root URL, the secret of our account, the connections table."""

    datadis_base_url: str
    datadis_credentials_secret: str
    datadis_connections_table: str


class DatadisRouteSettings(DatadisSettings):
    """What the routes add: the houses and their users, to tell the owner from an operator or another user."""

    users_table: str
    houses_table: str
