"""What every monitoring provider's client does and raises, so that the poller reads any platform the same way:
adding one (Huawei FusionSolar, Fronius, ...) is a module here, a `MonitoringProviderName` value and its line in
`registry`."""

from datetime import date
from typing import Protocol

from shared.pv.models import ProducedHour


class MonitoringProvider(Protocol):
    def hourly_energy(self, site_id: str, api_key: str, first_day: date, last_day: date) -> list[ProducedHour]:
        """The site's production of every hour from `first_day` to `last_day` (its local dates), labelled with the
        local time each hour starts at, as the provider sent them. A whole month is one request."""
        ...


class MonitoringProviderFactory(Protocol):
    def __call__(self, base_url: str | None = None, *, timeout: float = ...) -> MonitoringProvider:
        """A client of the provider at `base_url` (None: its public API), each request waiting `timeout` seconds."""
        ...


class ProviderError(Exception):
    """A read that failed. Its message names the provider and the site, never the key: it is shown to the owner
    (the installation's last_poll.error) and logged."""


class ProviderUnavailableError(ProviderError):
    """Timed out, refused the connection, answered 5xx or something that is not its documented answer."""


class ProviderRateLimitedError(ProviderError):
    """429: the site's or the key's daily requests are spent (or too many at once)."""


class ProviderRefusedKeyError(ProviderError):
    """401 or 403: a wrong key, or a key that cannot see this site (the provider does not say which)."""


class ProviderQueryError(ProviderError):
    """Any other 4xx: the request itself is wrong (e.g. a date range the provider does not serve in one request)."""
