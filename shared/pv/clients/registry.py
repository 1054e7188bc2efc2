"""Each `MonitoringProviderName` -> its client."""

from collections.abc import Mapping

from shared.pv.clients.providers import MonitoringProvider, MonitoringProviderFactory
from shared.pv.clients.solaredge import SolarEdgeClient
from shared.pv.models import MonitoringProviderName

PROVIDER_CLIENTS: Mapping[MonitoringProviderName, MonitoringProviderFactory] = {
    MonitoringProviderName.SOLAREDGE: SolarEdgeClient,
}


def monitoring_provider(
    name: MonitoringProviderName, *, base_url: str | None = None, timeout: float | None = None
) -> MonitoringProvider:
    """The client of provider `name` at `base_url` (None: its public API; the stack's parameter names another)."""
    factory = PROVIDER_CLIENTS[name]
    return factory(base_url) if timeout is None else factory(base_url, timeout=timeout)
