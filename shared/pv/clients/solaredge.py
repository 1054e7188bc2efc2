"""The SolarEdge Monitoring API's hourly site energy, read with a site's (or account's) API key. Standard library
only (urllib).

- `GET /site/{siteId}/energy?timeUnit=HOUR&startDate=YYYY-MM-DD&endDate=YYYY-MM-DD&api_key=...` answers
  `{"energy": {"timeUnit": "HOUR", "unit": "Wh", "measuredBy": ..., "values": [{"date", "value"}]}}`: each value
  the energy of the hour that starts at `date`, the site's local time; `null` where there is no data. One request
  covers a month at most.
- The key travels only as the `api_key` query parameter SolarEdge requires; it is never in an error message (an
  answer that repeats it has it masked).
- Failures are the typed `providers` errors: 401/403 a refused key (SolarEdge answers 403 to a wrong key and to a
  key that cannot see the site), 429 the daily limit, other 4xx a wrong query, 5xx, timeouts, refused connections
  and answers not in that shape unavailable.
"""

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from typing import Any

from shared.pv.clients.providers import (
    ProviderQueryError,
    ProviderRateLimitedError,
    ProviderRefusedKeyError,
    ProviderUnavailableError,
)
from shared.pv.models import ProducedHour

DEFAULT_BASE_URL = "https://monitoringapi.solaredge.com"
DEFAULT_TIMEOUT = 15.0  # seconds per connection attempt and per read
USER_AGENT = "house-energy-backend/0.1 (SolarEdge client)"
_MASK = "<api_key>"


class SolarEdgeClient:
    def __init__(self, base_url: str | None = None, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.base_url = (base_url or DEFAULT_BASE_URL).rstrip("/")
        self.timeout = timeout

    def hourly_energy(self, site_id: str, api_key: str, first_day: date, last_day: date) -> list[ProducedHour]:
        """One request: the hours of `first_day` to `last_day` (site's local dates, a month apart at most)."""
        if last_day < first_day:
            raise ValueError(f"last_day {last_day} is before first_day {first_day}")
        path = f"/site/{urllib.parse.quote(site_id, safe='')}/energy"
        query = {
            "timeUnit": "HOUR",
            "startDate": first_day.isoformat(),
            "endDate": last_day.isoformat(),
            "api_key": api_key,
        }
        request = urllib.request.Request(
            f"{self.base_url}{path}?{urllib.parse.urlencode(query)}",
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )
        where = f"SolarEdge site {site_id}"
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = bytes(response.read())
        except urllib.error.HTTPError as error:
            raise _http_error(where, error, api_key) from None
        except (OSError, http.client.HTTPException) as error:  # refused, reset, timed out, cut short
            raise ProviderUnavailableError(f"{where} could not be reached: {_masked(str(error), api_key)}") from None
        return _values(where, body)


def _values(where: str, body: bytes) -> list[ProducedHour]:
    try:
        energy = json.loads(body)["energy"]
        unit, values = energy.get("unit", "Wh"), energy["values"]
        hours = [_hour(value) for value in values]
    except (ValueError, TypeError, KeyError, AttributeError):
        raise ProviderUnavailableError(f"{where}: the energy answer is not in SolarEdge's documented shape") from None
    if unit != "Wh":
        raise ProviderUnavailableError(f"{where}: the energy answer is in {unit!r}, not Wh")
    return hours


def _hour(value: Any) -> ProducedHour:
    """A row of `values`; TypeError or KeyError when it is not `{"date": str, "value": number | null}`."""
    label, energy = value["date"], value["value"]
    if not isinstance(label, str) or isinstance(energy, bool) or not isinstance(energy, int | float | None):
        raise TypeError(value)
    return ProducedHour(label, None if energy is None else float(energy))


def _http_error(where: str, error: urllib.error.HTTPError, api_key: str) -> Exception:
    status = error.code
    message = f"{where}: SolarEdge answered {status}: {_masked(_excerpt(error), api_key)}"
    if status in (401, 403):
        return ProviderRefusedKeyError(f"{message} (a wrong API key, or one that cannot see this site)")
    if status == 429:
        return ProviderRateLimitedError(f"{message} (the site's or the key's daily requests are spent)")
    if status >= 500:
        return ProviderUnavailableError(message)
    return ProviderQueryError(message)


def _excerpt(error: urllib.error.HTTPError) -> str:
    try:
        return error.read(300).decode(errors="replace").strip() or error.reason
    except OSError:
        return str(error.reason)


def _masked(text: str, api_key: str) -> str:
    return text.replace(api_key, _MASK) if api_key else text
