"""The SolarEdge client against the local stand-in (local/solaredge.py), and against servers that fail as a provider
can: closed, silent, down, refusing the key, rate limiting, answering nonsense. The key never shows in an error."""

import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from local.background_http import BackgroundHttpService
from local.solaredge import DEMO_SITES, AutumnHour, SolarEdgeStandIn, StandInSite, hour_energy_wh
from shared.pv.clients.providers import (
    ProviderQueryError,
    ProviderRateLimitedError,
    ProviderRefusedKeyError,
    ProviderUnavailableError,
)
from shared.pv.clients.registry import PROVIDER_CLIENTS, monitoring_provider
from shared.pv.clients.solaredge import DEFAULT_BASE_URL, SolarEdgeClient
from shared.pv.models import MonitoringProviderName
from shared.pv.production import production_hours
from shared.pv.production_plan import month_bounds
from tests.stand_ins import Clock

SITE = DEMO_SITES[0]
SECRET = "A-SECRET-KEY-NOBODY-MAY-SEE-0001"


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2024, 11, 15, 12, tzinfo=UTC))


@pytest.fixture
def stand_in(clock: Clock) -> Iterator[SolarEdgeStandIn]:
    server = SolarEdgeStandIn(clock=clock, daily_limit=5)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def client(stand_in: SolarEdgeStandIn) -> SolarEdgeClient:
    return SolarEdgeClient(stand_in.url, timeout=5)


def test_a_month_is_one_request_of_the_sites_local_hours(client: SolarEdgeClient, stand_in: SolarEdgeStandIn) -> None:
    values = client.hourly_energy(SITE.site_id, SITE.api_key, *month_bounds("2024-06"))
    assert len(values) == 30 * 24
    assert (values[0].local_start, values[-1].local_start) == ("2024-06-01 00:00:00", "2024-06-30 23:00:00")
    noon = next(value for value in values if value.local_start == "2024-06-21 14:00:00")
    start = int(datetime(2024, 6, 21, 12, tzinfo=UTC).timestamp())  # 14:00 CEST
    assert noon.energy_wh == hour_energy_wh(SITE, start) > 0
    read = production_hours(values)
    assert (len(read.hours), read.bad_rows) == (720, ())
    assert stand_in.usage()["sites"] == {SITE.site_id: 1}


@pytest.mark.parametrize(("autumn_hour", "values_count"), [(AutumnHour.MERGED, 744), (AutumnHour.REPEATED, 745)])
def test_the_fall_back_month_reads_745_hours_either_way(
    client: SolarEdgeClient, stand_in: SolarEdgeStandIn, autumn_hour: AutumnHour, values_count: int
) -> None:
    stand_in.autumn_hour = autumn_hour
    values = client.hourly_energy(SITE.site_id, SITE.api_key, *month_bounds("2024-10"))
    read = production_hours(values)
    assert (len(values), len(read.hours), read.bad_rows) == (values_count, 31 * 24 + 1, ())
    assert any(hour.estimated for hour in read.hours) is (autumn_hour is AutumnHour.MERGED)


def test_hours_without_data_are_none(client: SolarEdgeClient) -> None:
    values = client.hourly_energy(SITE.site_id, SITE.api_key, *month_bounds("2024-11"))  # up to 15 Nov, 12:00 UTC
    assert [value.local_start for value in values if value.energy_wh is not None][-1] == "2024-11-15 12:00:00"
    assert len(production_hours(values).hours) == 14 * 24 + 13


def test_a_wrong_key_is_refused_without_showing_it(client: SolarEdgeClient) -> None:
    with pytest.raises(ProviderRefusedKeyError, match=f"SolarEdge site {SITE.site_id}: SolarEdge answered 403") as no:
        client.hourly_energy(SITE.site_id, SECRET, date(2024, 6, 1), date(2024, 6, 30))
    assert SECRET not in str(no.value)


def test_a_key_for_another_site_is_refused(client: SolarEdgeClient, stand_in: SolarEdgeStandIn) -> None:
    stand_in.add_site(StandInSite("3600002", SECRET, 5.0))
    with pytest.raises(ProviderRefusedKeyError, match="cannot see this site"):
        client.hourly_energy(SITE.site_id, SECRET, date(2024, 6, 1), date(2024, 6, 30))
    with pytest.raises(ProviderRefusedKeyError):
        client.hourly_energy("9999999", SITE.api_key, date(2024, 6, 1), date(2024, 6, 30))


def test_past_the_daily_limit_a_read_is_rate_limited(
    client: SolarEdgeClient, stand_in: SolarEdgeStandIn, clock: Clock
) -> None:
    for _ in range(5):
        client.hourly_energy(SITE.site_id, SITE.api_key, date(2024, 6, 1), date(2024, 6, 1))
    with pytest.raises(ProviderRateLimitedError, match="429") as limited:
        client.hourly_energy(SITE.site_id, SITE.api_key, date(2024, 6, 1), date(2024, 6, 1))
    assert SITE.api_key not in str(limited.value)
    clock.now += timedelta(days=1)
    assert client.hourly_energy(SITE.site_id, SITE.api_key, date(2024, 6, 1), date(2024, 6, 1))


def test_a_range_the_provider_does_not_serve_is_a_query_error(client: SolarEdgeClient) -> None:
    with pytest.raises(ProviderQueryError, match="400"):
        client.hourly_energy(SITE.site_id, SITE.api_key, date(2024, 6, 1), date(2024, 7, 1))
    with pytest.raises(ValueError, match="before first_day"):
        client.hourly_energy(SITE.site_id, SITE.api_key, date(2024, 6, 2), date(2024, 6, 1))


def test_an_unreachable_provider_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = SolarEdgeClient(f"http://127.0.0.1:{closed_port}", timeout=2)
    with pytest.raises(ProviderUnavailableError, match="could not be reached") as unavailable:
        client.hourly_energy(SITE.site_id, SECRET, date(2024, 6, 1), date(2024, 6, 30))
    assert SECRET not in str(unavailable.value)


def test_a_silent_provider_times_out() -> None:
    with socket.socket() as silent:  # accepts connections (the kernel does) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        host, port = silent.getsockname()
        client = SolarEdgeClient(f"http://{host}:{port}", timeout=0.3)
        started = datetime.now(UTC)
        with pytest.raises(ProviderUnavailableError, match="timed out"):
            client.hourly_energy(SITE.site_id, SECRET, date(2024, 6, 1), date(2024, 6, 30))
        assert datetime.now(UTC) - started < timedelta(seconds=5)


class _ScriptedHandler(BaseHTTPRequestHandler):
    """Answers every GET with the class's status and body (`{key}` replaced by the api_key it was sent)."""

    status: ClassVar[int] = 200
    body: ClassVar[bytes] = b""
    seen: ClassVar[list[tuple[str, dict[str, str]]]] = []

    def do_GET(self) -> None:
        self.seen.append((self.path, dict(self.headers.items())))
        key = parse_qs(urlsplit(self.path).query).get("api_key", [""])[0]
        body = self.body.replace(b"{key}", key.encode())
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def scripted() -> Iterator[Any]:
    services: list[BackgroundHttpService] = []

    def serve(status: int, body: bytes) -> tuple[SolarEdgeClient, list[tuple[str, dict[str, str]]]]:
        seen: list[tuple[str, dict[str, str]]] = []
        handler = type("Handler", (_ScriptedHandler,), {"status": status, "body": body, "seen": seen})
        service = BackgroundHttpService(ThreadingHTTPServer(("127.0.0.1", 0), handler), thread_name="scripted")
        service.start()
        services.append(service)
        return SolarEdgeClient(service.base_url, timeout=5), seen

    yield serve
    for service in services:
        service.stop()


def test_the_key_travels_only_as_the_api_key_parameter(scripted: Any) -> None:
    client, seen = scripted(200, b'{"energy": {"timeUnit": "HOUR", "unit": "Wh", "values": []}}')
    assert client.hourly_energy("12 34", SECRET, date(2024, 6, 1), date(2024, 6, 30)) == []
    [(path, headers)] = seen
    parts = urlsplit(path)
    assert parts.path == "/site/12%2034/energy"
    assert parse_qs(parts.query) == {
        "timeUnit": ["HOUR"],
        "startDate": ["2024-06-01"],
        "endDate": ["2024-06-30"],
        "api_key": [SECRET],
    }
    assert not any(SECRET in value for value in headers.values())


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (401, ProviderRefusedKeyError),
        (403, ProviderRefusedKeyError),
        (429, ProviderRateLimitedError),
        (500, ProviderUnavailableError),
        (503, ProviderUnavailableError),
        (400, ProviderQueryError),
        (404, ProviderQueryError),
    ],
)
def test_each_failure_is_typed_and_an_echoed_key_is_masked(scripted: Any, status: int, error: type[Exception]) -> None:
    client, _ = scripted(status, b'{"message": "refused api_key={key}"}')
    with pytest.raises(error, match=f"answered {status}") as failed:
        client.hourly_energy(SITE.site_id, SECRET, date(2024, 6, 1), date(2024, 6, 30))
    assert SECRET not in str(failed.value)
    assert "api_key=<api_key>" in str(failed.value)


@pytest.mark.parametrize(
    "body",
    [
        b"<html>maintenance</html>",
        b'{"energy": null}',
        b'{"energy": {"unit": "Wh"}}',
        b'{"energy": {"unit": "Wh", "values": "none"}}',
        b'{"energy": {"unit": "Wh", "values": [{"date": "2024-06-01 00:00:00"}]}}',
        b'{"energy": {"unit": "Wh", "values": [{"date": "2024-06-01 00:00:00", "value": "12"}]}}',
        b'{"energy": {"unit": "Wh", "values": [{"date": 20240601, "value": 12.0}]}}',
        b'{"energy": {"unit": "Wh", "values": [{"date": "2024-06-01 00:00:00", "value": true}]}}',
        b'{"energy": {"unit": "kWh", "values": []}}',
    ],
)
def test_an_answer_that_is_not_the_documented_shape_is_unavailable(scripted: Any, body: bytes) -> None:
    client, _ = scripted(200, body)
    with pytest.raises(ProviderUnavailableError, match=f"SolarEdge site {SITE.site_id}"):
        client.hourly_energy(SITE.site_id, SECRET, date(2024, 6, 1), date(2024, 6, 30))


def test_integer_values_and_nulls_are_read(scripted: Any) -> None:
    body = b'{"energy": {"unit": "Wh", "values": [{"date": "2024-06-01 12:00:00", "value": 7}, '
    body += b'{"date": "2024-06-01 13:00:00", "value": null}]}}'
    client, _ = scripted(200, body)
    values = client.hourly_energy(SITE.site_id, SECRET, date(2024, 6, 1), date(2024, 6, 1))
    assert [(value.local_start, value.energy_wh) for value in values] == [
        ("2024-06-01 12:00:00", 7.0),
        ("2024-06-01 13:00:00", None),
    ]


def test_every_provider_name_has_a_client() -> None:
    assert set(PROVIDER_CLIENTS) == set(MonitoringProviderName)


def test_the_registry_builds_a_providers_client_for_the_stacks_base_url() -> None:
    client = monitoring_provider(MonitoringProviderName.SOLAREDGE, base_url="http://127.0.0.1:9/", timeout=3)
    assert isinstance(client, SolarEdgeClient)
    assert (client.base_url, client.timeout) == ("http://127.0.0.1:9", 3)
    default = monitoring_provider(MonitoringProviderName.SOLAREDGE)
    assert isinstance(default, SolarEdgeClient)
    assert default.base_url == DEFAULT_BASE_URL
