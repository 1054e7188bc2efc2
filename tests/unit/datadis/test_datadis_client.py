"""The Datadis client against the local stand-in (local/datadis.py), and against servers that fail as Datadis can:
closed, silent, down, rate limiting, answering nonsense."""

import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from local.background_http import BackgroundHttpService
from local.datadis import (
    AUTHORIZATIONS_PATH,
    CONSUMPTION_PATH,
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    LOGIN_PATH,
    DatadisStandIn,
)
from shared.datadis.clients.datadis_api import (
    RATE_LIMITED_RETRY_AFTER,
    UNAVAILABLE_RETRY_AFTER,
    DatadisApi,
    DatadisQueryError,
    DatadisRateLimitedError,
    DatadisRefusedError,
    DatadisUnavailableError,
)
from shared.datadis.models import AuthorizationStatusId
from shared.datadis.readings import hourly_readings
from shared.supply_points.zones import MADRID
from tests.stand_ins import Clock

HOLDER, CUPS = "12345678Z", "ES0021000087654321MF0F"
NOW = datetime(2025, 1, 15, 12, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def stand_in(clock: Clock) -> Iterator[DatadisStandIn]:
    server = DatadisStandIn(clock=clock)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def api(stand_in: DatadisStandIn) -> DatadisApi:
    return DatadisApi(stand_in.url, DEFAULT_USERNAME, DEFAULT_PASSWORD, timeout=5)


def connect(api: DatadisApi, stand_in: DatadisStandIn) -> int:
    assert api.send_request_authorization(HOLDER, CUPS, start=date(2025, 1, 15), end=date(2027, 1, 15)).response == "ok"
    request_id = api.authorizations()[-1].request_id
    stand_in.accept(request_id)
    return request_id


def read_month(api: DatadisApi, month: str = "2024/10", **changes: Any) -> list[dict[str, Any]]:
    query: dict[str, Any] = {
        "cups": CUPS,
        "distributor_code": "8",
        "month": month,
        "point_type": 5,
        "authorized_nif": HOLDER,
    }
    return api.consumption(**(query | changes))


def test_login_keeps_the_raw_text_token_for_the_next_calls(api: DatadisApi, stand_in: DatadisStandIn) -> None:
    token = api.login()
    assert token and not token.startswith("{")
    api.authorizations()
    api.authorizations()
    assert stand_in.requests[LOGIN_PATH] == 1


def test_the_first_call_logs_in(api: DatadisApi, stand_in: DatadisStandIn) -> None:
    assert api.authorizations() == []
    assert stand_in.requests[LOGIN_PATH] == 1


def test_an_expired_token_is_renewed_once(api: DatadisApi, stand_in: DatadisStandIn) -> None:
    api.authorizations()
    stand_in.expire_tokens()
    api.authorizations()
    assert (stand_in.requests[LOGIN_PATH], stand_in.requests[AUTHORIZATIONS_PATH]) == (2, 3)


def test_wrong_credentials_are_refused_without_showing_the_password(stand_in: DatadisStandIn) -> None:
    api = DatadisApi(stand_in.url, DEFAULT_USERNAME, "wrong-secret", timeout=5)
    with pytest.raises(DatadisRefusedError, match="username or password") as refused:
        api.authorizations()
    assert "wrong-secret" not in str(refused.value)


@pytest.mark.parametrize(("nif", "answer"), [(HOLDER, "ok"), ("99999999R", "nonif"), ("00000000T", "noSupplies")])
def test_a_consent_request_answers_what_datadis_said(api: DatadisApi, nif: str, answer: str) -> None:
    assert api.send_request_authorization(nif, CUPS, start=date(2025, 1, 15), end=date(2027, 1, 15)).response == answer


def test_nopermisos_is_an_answer_too(api: DatadisApi, stand_in: DatadisStandIn) -> None:
    stand_in.requests_allowed = False
    answer = api.send_request_authorization(HOLDER, CUPS, start=date(2025, 1, 15), end=date(2027, 1, 15))
    assert answer.response == "nopermisos"


def test_a_consent_request_is_listed_pending_with_its_validity_then_in_force(
    api: DatadisApi, stand_in: DatadisStandIn
) -> None:
    api.send_request_authorization(HOLDER, CUPS, start=date(2025, 1, 15), end=date(2027, 1, 15))
    [pending] = api.authorizations()
    assert (pending.owner_document, pending.cups, pending.status.id) == (HOLDER, CUPS, AuthorizationStatusId.PENDIENTE)
    assert pending.validity_date_start == datetime(2025, 1, 14, 23, tzinfo=UTC)  # local midnight, winter time
    assert pending.validity_date_end == datetime(2027, 1, 15, 22, 59, 59, tzinfo=UTC)

    stand_in.accept(pending.request_id)

    [granted] = api.authorizations()
    assert (granted.status.id, granted.status.description) == (5, "VIGENTE")


def test_supplies_of_a_holder_who_authorised_us(api: DatadisApi, stand_in: DatadisStandIn) -> None:
    assert api.supplies(HOLDER) == []
    connect(api, stand_in)
    [supply] = api.supplies(HOLDER)
    assert (supply.cups, supply.distributor_code, supply.point_type) == (CUPS, "8", 5)


def test_a_month_of_consumption_comes_as_datadis_rows_with_decimal_numbers(
    api: DatadisApi, stand_in: DatadisStandIn
) -> None:
    connect(api, stand_in)
    rows = read_month(api, "2024/10")
    assert len(rows) == 31 * 24  # the fall-back day merges its repeated hour
    assert isinstance(rows[0]["consumptionKWh"], Decimal)
    result = hourly_readings(rows, MADRID)
    assert (len(result.readings), result.bad_rows) == (31 * 24 + 1, ())


def test_a_repeated_data_query_is_rate_limited(api: DatadisApi, stand_in: DatadisStandIn) -> None:
    connect(api, stand_in)
    read_month(api)
    with pytest.raises(DatadisRateLimitedError) as limited:
        read_month(api)
    assert limited.value.retry_after == RATE_LIMITED_RETRY_AFTER


def test_a_month_that_is_not_yyyy_mm_is_a_query_error(api: DatadisApi, stand_in: DatadisStandIn) -> None:
    connect(api, stand_in)
    with pytest.raises(DatadisQueryError, match="AAAA/MM") as wrong:
        read_month(api, "2024/10/01")
    assert wrong.value.status == 400


def test_a_supply_we_may_not_read_is_refused(api: DatadisApi, stand_in: DatadisStandIn) -> None:
    with pytest.raises(DatadisRefusedError) as refused:
        read_month(api)
    assert refused.value.status == 403
    assert (stand_in.requests[CONSUMPTION_PATH], stand_in.requests[LOGIN_PATH]) == (1, 1)  # no new login for a 403


def test_an_unreachable_datadis_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    api = DatadisApi(f"http://127.0.0.1:{closed_port}", DEFAULT_USERNAME, DEFAULT_PASSWORD, timeout=2)
    with pytest.raises(DatadisUnavailableError, match="could not be reached") as unavailable:
        api.authorizations()
    assert unavailable.value.retry_after == UNAVAILABLE_RETRY_AFTER


def test_a_silent_datadis_times_out() -> None:
    with socket.socket() as silent:  # accepts connections (the kernel does) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        host, port = silent.getsockname()
        api = DatadisApi(f"http://{host}:{port}", DEFAULT_USERNAME, DEFAULT_PASSWORD, timeout=0.3)
        started = datetime.now(UTC)
        with pytest.raises(DatadisUnavailableError, match="timed out"):
            api.login()
        assert datetime.now(UTC) - started < timedelta(seconds=5)


class _FailingHandler(BaseHTTPRequestHandler):
    """Logs in, then answers every call with the status, headers and body of the class attributes."""

    status, headers_out, body = 503, {"Retry-After": "120"}, b"<html>down for maintenance</html>"

    def do_GET(self) -> None:
        self._answer(self.status, self.headers_out, self.body)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._answer(200, {}, b"a-token")

    def _answer(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


def failing_datadis(status: int, headers: dict[str, str], body: bytes) -> BackgroundHttpService:
    handler = type("Handler", (_FailingHandler,), {"status": status, "headers_out": headers, "body": body})
    service = BackgroundHttpService(ThreadingHTTPServer(("127.0.0.1", 0), handler), thread_name="failing-datadis")
    service.start()
    return service


@pytest.mark.parametrize(
    ("status", "headers", "retry_after"),
    [(503, {"Retry-After": "120"}, 120), (500, {}, UNAVAILABLE_RETRY_AFTER), (502, {"Retry-After": "soon"}, 60)],
)
def test_a_datadis_error_is_unavailable_with_its_retry_hint(
    status: int, headers: dict[str, str], retry_after: int
) -> None:
    service = failing_datadis(status, headers, b"<html>down</html>")
    try:
        with pytest.raises(DatadisUnavailableError, match=f"answered {status}") as unavailable:
            DatadisApi(service.base_url, "user", "secret", timeout=5).authorizations()
        assert unavailable.value.retry_after == retry_after
    finally:
        service.stop()


def test_a_token_refused_right_after_login_is_our_accounts_refusal() -> None:
    service = failing_datadis(401, {}, b"")
    try:
        with pytest.raises(DatadisRefusedError, match="new token") as refused:
            DatadisApi(service.base_url, "user", "secret", timeout=5).authorizations()
        assert refused.value.status == 401
    finally:
        service.stop()


def test_a_rate_limit_keeps_datadis_retry_hint() -> None:
    service = failing_datadis(429, {"Retry-After": "3600"}, b"")
    try:
        with pytest.raises(DatadisRateLimitedError) as limited:
            DatadisApi(service.base_url, "user", "secret", timeout=5).authorizations()
        assert limited.value.retry_after == 3600
    finally:
        service.stop()


@pytest.mark.parametrize("body", [b"<html>maintenance</html>", b'{"response": "not a list"}', b'{"unexpected": 1}'])
def test_an_answer_that_is_not_what_datadis_documents_is_unavailable(body: bytes) -> None:
    service = failing_datadis(200, {"Content-Type": "application/json"}, body)
    try:
        with pytest.raises(DatadisUnavailableError):
            DatadisApi(service.base_url, "user", "secret", timeout=5).authorizations()
    finally:
        service.stop()
