"""A SolarEdge Monitoring API stand-in on loopback, following the real API's documented shapes
(../shared/domain/README.md §11). `url` is the root above /site, what LOCAL_SOLAREDGE_URL names.

SolarEdge's route:
- `GET /site/{siteId}/energy?timeUnit=HOUR&startDate=YYYY-MM-DD&endDate=YYYY-MM-DD&api_key=...` answers
  `{"energy": {"timeUnit": "HOUR", "unit": "Wh", "measuredBy": "INVERTER", "values": [{"date", "value"}]}}`: one
  value per hour of the days asked, `date` the site's wall-clock time the hour STARTS at (`YYYY-MM-DD hh:mm:ss`),
  `value` its production in Wh, `null` for an hour without data: one that has not ended yet, or of a day before
  the site's installation date. The spring-forward day has 23 rows (no `02:00`). The fall-back day's repeated
  `02:00` is ONE row holding both hours (`autumn_hour` MERGED, the default), or two rows with the same label,
  summer time first (REPEATED).
- 400 for a `timeUnit` other than HOUR (the real API serves QUARTER_OF_AN_HOUR to YEAR; this stand-in only HOUR),
  a missing or malformed `startDate`/`endDate`, an `endDate` before `startDate`, or one more than a month after it
  (HOUR's documented limit: it must come before the same day of the next month).
- 403 for a missing or unknown `api_key`, and for a site the key cannot see, known or not: SolarEdge answers 403 to
  an invalid key or a permission issue, and does not tell a key whether a site it cannot see exists.
- 429 past `daily_limit` (300) requests a day per key or per site. Counted: every request with a key that sees its
  site, whatever its parameters; not the 429s. The day is UTC's (SolarEdge does not say when its day starts).

Where SolarEdge documents nothing, the stand-in decides: error bodies are `{"status", "error", "message"}`.

Not SolarEdge (a tester's controls, no key):
- `GET /_admin/sites`; `POST /_admin/sites`, JSON `{"id", "apiKey", "peakPower" (kWp), "installationDate"
  (YYYY-MM-DD, default 2023-01-01), "timeZone" (default Europe/Madrid)}`: adds or replaces a site (two sites with
  the same key share it, like an account key).
- `GET /_admin/usage`: today's requests per key and per site; `DELETE /_admin/usage` forgets them.
- `PUT /_admin/autumn-hour`, JSON `{"rows": "merged" | "repeated"}`: how the fall-back day's `02:00` is served.

Production, deterministic so that a test or a tester can predict it: the sun of Madrid (solar noon at 12:15 UTC,
the day 12 h ± 2.9 h long over the year: shortest on 21 December, longest on 21 June), power a bell
`sin²(π · (t - sunrise) / day length)` times the site's kWp times 0.54-0.82 (winter to summer), zero at night.
An hour's energy is the mean of that power at its four quarter-hour midpoints times a weather factor of the local
day, 0.30-1.00 from the first two bytes of `sha256("<siteId>|<YYYY-MM-DD>")`, in Wh with 3 decimals.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
import threading
import time
from calendar import monthrange
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from enum import StrEnum
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from local.background_http import BackgroundHttpService

logger = logging.getLogger(__name__)

ADMIN_PREFIX = "/_admin"
DAILY_LIMIT = 300  # requests a day per key and per site
DEFAULT_TIME_ZONE = "Europe/Madrid"
DEFAULT_INSTALLED_ON = date(2023, 1, 1)
SERVED_TIME_UNIT = "HOUR"
TIME_UNITS = ("QUARTER_OF_AN_HOUR", "HOUR", "DAY", "WEEK", "MONTH", "YEAR")

SOLAR_NOON_UTC = 12.25  # hours: Madrid's longitude, 3.7° W
MEAN_DAY_HOURS, DAY_HOURS_SWING = 12.0, 2.9
PEAK_KW_PER_KWP = (0.68, 0.14)  # mean and swing over the year
WEATHER_RANGE = (0.30, 1.00)
_MARCH_EQUINOX = 80  # day of the year, from 0
_ENERGY_PATH = re.compile(r"/site/([^/]+)/energy")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HOUR = 3600


class AutumnHour(StrEnum):
    """How the fall-back day's two hours starting at 02:00 are served."""

    MERGED = "merged"  # one `02:00` row, their sum
    REPEATED = "repeated"  # two `02:00` rows, summer time first


@dataclass(frozen=True)
class StandInSite:
    site_id: str
    api_key: str
    peak_kwp: float
    installed_on: date = DEFAULT_INSTALLED_ON
    time_zone: str = DEFAULT_TIME_ZONE

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.site_id,
            "apiKey": self.api_key,
            "peakPower": self.peak_kwp,
            "installationDate": self.installed_on.isoformat(),
            "timeZone": self.time_zone,
        }

    @classmethod
    def from_json(cls, fields: Mapping[str, Any]) -> StandInSite:
        """KeyError, ValueError or TypeError when the fields do not make a site."""
        site = cls(
            site_id=str(fields["id"]),
            api_key=str(fields["apiKey"]),
            peak_kwp=float(fields["peakPower"]),
            installed_on=date.fromisoformat(str(fields.get("installationDate", DEFAULT_INSTALLED_ON.isoformat()))),
            time_zone=str(fields.get("timeZone", DEFAULT_TIME_ZONE)),
        )
        if not (site.site_id and site.api_key and math.isfinite(site.peak_kwp) and site.peak_kwp > 0):
            raise ValueError("a site needs an id, an apiKey and a peakPower above 0")
        try:
            ZoneInfo(site.time_zone)  # refused now rather than on every request
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timeZone {site.time_zone!r}") from None
        return site


# A home with 3.6 kWp of panels, the Datadis stand-in's demo supply. Its key is a throwaway, like every local one.
DEMO_SITES = (StandInSite("3600001", "L0CALS0LAREDGEDEM0KEY00000000001", 3.6, date(2023, 6, 1)),)


@dataclass(frozen=True)
class StandInAnswer:
    status: int
    body: Any  # JSON, or None for no body


class _RequestError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def hour_energy_wh(site: StandInSite, start_utc: int) -> float:
    """The production of the site's hour that starts at `start_utc` (epoch seconds), in Wh."""
    start = datetime.fromtimestamp(start_utc, UTC)
    season = math.sin(2 * math.pi * (start.timetuple().tm_yday - 1 - _MARCH_EQUINOX) / 365)
    day_hours = MEAN_DAY_HOURS + DAY_HOURS_SWING * season
    sunrise = SOLAR_NOON_UTC - day_hours / 2
    peak_kw = site.peak_kwp * (PEAK_KW_PER_KWP[0] + PEAK_KW_PER_KWP[1] * season)
    hour = start.hour + start.minute / 60
    powers = []
    for quarter in range(4):
        since_sunrise = hour + (quarter + 0.5) / 4 - sunrise
        up = 0 < since_sunrise < day_hours
        powers.append(peak_kw * math.sin(math.pi * since_sunrise / day_hours) ** 2 if up else 0.0)
    if not any(powers):
        return 0.0
    local_day = datetime.fromtimestamp(start_utc, site.zone).date()
    digest = hashlib.sha256(f"{site.site_id}|{local_day.isoformat()}".encode()).digest()
    low, high = WEATHER_RANGE
    weather = low + (high - low) * int.from_bytes(digest[0:2]) / 65535
    return round(1000 * sum(powers) / 4 * weather, 3)


class SolarEdgeStandIn(BackgroundHttpService):
    """SolarEdge's energy route and the tester's controls, state in memory, served once started."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        sites: Iterable[StandInSite] = DEMO_SITES,
        daily_limit: int = DAILY_LIMIT,
        autumn_hour: AutumnHour = AutumnHour.MERGED,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.daily_limit = daily_limit
        self.autumn_hour = autumn_hour
        self.clock = clock
        self._sites = {site.site_id: site for site in sites}
        self._usage: Counter[tuple[date, str, str]] = Counter()  # (UTC day, "key" or "site", which) -> requests
        self._lock = threading.Lock()
        server = _SolarEdgeServer((host, port), _SolarEdgeRequestHandler)
        server.stand_in = self
        super().__init__(server, thread_name="local-solaredge")

    @property
    def url(self) -> str:
        return self.base_url

    @property
    def state(self) -> dict[str, Any]:
        """Published in stack.json and the banner: where it is, and the sample site's id and key."""
        sample = next(iter(self._sites.values()), None)
        return {
            "solaredge_url": self.url,
            "solaredge_site_id": sample.site_id if sample else None,
            "solaredge_api_key": sample.api_key if sample else None,
        }

    def add_site(self, site: StandInSite) -> None:
        with self._lock:
            self._sites[site.site_id] = site

    def sites(self) -> list[StandInSite]:
        with self._lock:
            return list(self._sites.values())

    def usage(self) -> dict[str, Any]:
        """Today's requests (UTC day) per key and per site."""
        today = self._today()
        with self._lock:
            counted = [(kind, name, count) for (day, kind, name), count in self._usage.items() if day == today]
        return {
            "day": today.isoformat(),
            "limit": self.daily_limit,
            "keys": {name: count for kind, name, count in counted if kind == "key"},
            "sites": {name: count for kind, name, count in counted if kind == "site"},
        }

    def reset_usage(self) -> None:
        with self._lock:
            self._usage.clear()

    def answer(self, method: str, target: str, body: bytes) -> StandInAnswer:
        """The answer to one HTTP request."""
        parts = urlsplit(target)
        query = {name: values[-1] for name, values in parse_qs(parts.query, keep_blank_values=True).items()}
        try:
            if parts.path.startswith(ADMIN_PREFIX):
                return self._admin(method, parts.path, body)
            match = _ENERGY_PATH.fullmatch(parts.path)
            if method != "GET" or match is None:
                raise _RequestError(HTTPStatus.NOT_FOUND, f"no route {method} {parts.path}")
            return self._energy(unquote(match[1]), query)
        except _RequestError as refused:
            return _error(refused.status, str(refused))

    # SolarEdge

    def _energy(self, site_id: str, query: Mapping[str, str]) -> StandInAnswer:
        site = self._visible_site(site_id, query.get("api_key", ""))
        self._count(site)
        time_unit = query.get("timeUnit", "")
        if time_unit != SERVED_TIME_UNIT:
            served = "this stand-in serves timeUnit=HOUR only" if time_unit in TIME_UNITS else "unknown timeUnit"
            raise _RequestError(HTTPStatus.BAD_REQUEST, f"{served}, not {time_unit!r}")
        first, last = _day(query, "startDate"), _day(query, "endDate")
        if last < first:
            raise _RequestError(HTTPStatus.BAD_REQUEST, "endDate is before startDate")
        if last >= _same_day_next_month(first):
            raise _RequestError(HTTPStatus.BAD_REQUEST, "timeUnit=HOUR covers one month at most")
        values = [value for day in _days(first, last) for value in self._day_values(site, day)]
        energy = {"timeUnit": SERVED_TIME_UNIT, "unit": "Wh", "measuredBy": "INVERTER", "values": values}
        return StandInAnswer(HTTPStatus.OK, {"energy": energy})

    def _visible_site(self, site_id: str, api_key: str) -> StandInSite:
        with self._lock:
            known_key = any(site.api_key == api_key for site in self._sites.values())
            site = self._sites.get(site_id)
        if not api_key or not known_key:
            raise _RequestError(HTTPStatus.FORBIDDEN, "invalid api_key")
        if site is None or site.api_key != api_key:
            raise _RequestError(HTTPStatus.FORBIDDEN, "this api_key may not read that site")
        return site

    def _count(self, site: StandInSite) -> None:
        today = self._today()
        key, site_key = (today, "key", site.api_key), (today, "site", site.site_id)
        with self._lock:
            if max(self._usage[key], self._usage[site_key]) >= self.daily_limit:
                logger.info("SolarEdge stand-in: site %s is past %s requests today", site.site_id, self.daily_limit)
                raise _RequestError(HTTPStatus.TOO_MANY_REQUESTS, f"more than {self.daily_limit} requests today")
            self._usage[key] += 1
            self._usage[site_key] += 1

    def _day_values(self, site: StandInSite, day: date) -> list[dict[str, Any]]:
        """The day's rows, the fall-back day's repeated `02:00` served as `autumn_hour` says."""
        zone, now = site.zone, self.clock()
        start = int(datetime.combine(day, clock_time(), zone).timestamp())
        end = int(datetime.combine(day + timedelta(days=1), clock_time(), zone).timestamp())
        rows: list[dict[str, Any]] = []
        for hour_start in range(start, end, _HOUR):
            label = datetime.fromtimestamp(hour_start, zone).strftime("%Y-%m-%d %H:00:00")
            has_data = day >= site.installed_on and hour_start + _HOUR <= now
            value = hour_energy_wh(site, hour_start) if has_data else None
            if rows and rows[-1]["date"] == label and self.autumn_hour is AutumnHour.MERGED:
                earlier = rows[-1]["value"]
                rows[-1]["value"] = None if earlier is None or value is None else round(earlier + value, 3)
            else:
                rows.append({"date": label, "value": value})
        return rows

    def _today(self) -> date:
        return datetime.fromtimestamp(self.clock(), UTC).date()

    # The tester's controls

    def _admin(self, method: str, path: str, body: bytes) -> StandInAnswer:
        controls: dict[tuple[str, str], Callable[[], StandInAnswer]] = {
            ("GET", "/sites"): lambda: StandInAnswer(HTTPStatus.OK, {"sites": [s.as_json() for s in self.sites()]}),
            ("POST", "/sites"): lambda: self._add_site(body),
            ("GET", "/usage"): lambda: StandInAnswer(HTTPStatus.OK, self.usage()),
            ("DELETE", "/usage"): self._forget_usage,
            ("PUT", "/autumn-hour"): lambda: self._set_autumn_hour(body),
        }
        control = controls.get((method, path.removeprefix(ADMIN_PREFIX)))
        if control is None:
            raise _RequestError(
                HTTPStatus.NOT_FOUND,
                f"the controls are GET and POST {ADMIN_PREFIX}/sites, GET and DELETE {ADMIN_PREFIX}/usage, "
                f"PUT {ADMIN_PREFIX}/autumn-hour",
            )
        return control()

    def _add_site(self, body: bytes) -> StandInAnswer:
        try:
            site = StandInSite.from_json(json.loads(body))
        except (ValueError, TypeError, KeyError) as error:
            raise _RequestError(HTTPStatus.BAD_REQUEST, f"not a site: {error!r}") from None
        self.add_site(site)
        return StandInAnswer(HTTPStatus.CREATED, site.as_json())

    def _forget_usage(self) -> StandInAnswer:
        self.reset_usage()
        return StandInAnswer(HTTPStatus.NO_CONTENT, None)

    def _set_autumn_hour(self, body: bytes) -> StandInAnswer:
        try:
            self.autumn_hour = AutumnHour(json.loads(body)["rows"])
        except (ValueError, TypeError, KeyError):
            raise _RequestError(HTTPStatus.BAD_REQUEST, 'the body is {"rows": "merged" | "repeated"}') from None
        return StandInAnswer(HTTPStatus.OK, {"rows": self.autumn_hour.value})


def _error(status: int, message: str) -> StandInAnswer:
    return StandInAnswer(status, {"status": status, "error": HTTPStatus(status).phrase, "message": message})


def _day(query: Mapping[str, str], name: str) -> date:
    value = query.get(name, "")
    try:
        if _DAY.fullmatch(value) is None:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        message = f"{name} must be a date written YYYY-MM-DD, not {value!r}"
        raise _RequestError(HTTPStatus.BAD_REQUEST, message) from None


def _same_day_next_month(day: date) -> date:
    """The same day of the next month, its last day when that is shorter (31 January -> 29 February 2024)."""
    year, month = day.year + day.month // 12, day.month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


class _SolarEdgeServer(ThreadingHTTPServer):
    daemon_threads = True
    stand_in: SolarEdgeStandIn


class _SolarEdgeRequestHandler(BaseHTTPRequestHandler):
    server: _SolarEdgeServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        answer = self.server.stand_in.answer(self.command, self.path, body)
        data = b"" if answer.body is None else json.dumps(answer.body, ensure_ascii=False).encode()
        self.send_response(answer.status)
        if answer.body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: the stand-in logs what matters through `logging`."""
