"""A Datadis stand-in on loopback, following the real API's documented shapes (../shared/domain/README.md §4 and
samples/datadis/). `url` is the root above /nikola-auth and /api-private, what LOCAL_DATADIS_URL names.

Datadis' routes:
- `POST /nikola-auth/tokens/login`, form `username` and `password` of our company's account: 200 with the bearer
  token as raw text (not JSON); 401 for other credentials. Tokens last until `expire_tokens()`.
- Every /api-private route wants `Authorization: Bearer <token>`, else 401.
- `POST /api-private/request/send-request-authorization` (JSON body `startDatePull`, `endDatePull`,
  `nifSolicitante`, `cups[{cups, startDate, endDate}]`, `mode` PULL) answers `{"response": ...}`: `nonif` for a NIF
  without a Datadis account, `noSupplies` for an account without supplies, `nopermisos` while
  `requests_allowed` is False, else `ok`: one request (a new `requestId`) with an entry per CUPS, PENDIENTE, valid
  from the start day's midnight to the end day's 23:59:59.
- `GET /api-private/authorizations/request/third-authorized-users-cups`: `{"response": [...]}`, every entry our
  account was ever given, status `{id, description}` 1 PENDIENTE, 3 EXPIRADA, 5 VIGENTE, 7 RECHAZADA.
- `GET /api-private/api/get-supplies[?authorizedNif=][&distributorCode=]`: a holder's supplies covered by a
  VIGENTE authorisation in force (our own account holds none).
- `GET /api-private/api/get-consumption-data?cups&distributorCode&startDate&endDate&measurementType&pointType
  [&authorizedNif]` (hourly: measurementType 0) and `GET /api-private/api/get-max-power?cups&distributorCode
  &startDate&endDate[&authorizedNif]`: `startDate`/`endDate` `YYYY/MM` (anything else is 400), every day of those
  months from the supply's `validDateFrom` up to yesterday (Madrid). A query identical (same route and parameters)
  to one answered 200 in the last 24 hours is 429. Values: see local/datadis_curves.py.

Not Datadis (a tester's controls, no token):
- `GET /_admin/authorizations`: every entry, as Datadis lists them.
- `POST /_admin/authorizations/<requestId>/accept` (VIGENTE), `.../reject` (RECHAZADA): the holder's answer to a
  pending request; `.../expire` (EXPIRADA) ends a pending or granted one. 404 unknown request, 409 wrong status.
- `POST /_admin/accounts`, JSON `{"nif", "name", "supplies": [<get-supplies fields>, "solarKWp"]}`: adds or
  replaces a holder; `distributorCode` defaults to 8 (i-DE), `pointType` to 5, `validDateFrom` to 2020/01/01.

Where Datadis documents nothing, the stand-in decides: error bodies are `{"status", "error", "message"}`; a
request naming a CUPS the holder's account does not list is still sent (once granted, get-supplies does not list
it: WAITING_SUPPLIES); a data query on a supply without an authorisation in force is 403; quarter-hourly data
(measurementType 1) is not served (400); only 200 answers count towards the 24-hour rule.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from local.background_http import BackgroundHttpService
from local.datadis_curves import MADRID, consumption_rows, max_power_rows

logger = logging.getLogger(__name__)

LOGIN_PATH = "/nikola-auth/tokens/login"
SEND_REQUEST_PATH = "/api-private/request/send-request-authorization"
AUTHORIZATIONS_PATH = "/api-private/authorizations/request/third-authorized-users-cups"
SUPPLIES_PATH = "/api-private/api/get-supplies"
CONSUMPTION_PATH = "/api-private/api/get-consumption-data"
MAX_POWER_PATH = "/api-private/api/get-max-power"
ADMIN_PREFIX = "/_admin"

DEFAULT_USERNAME = "B00000000"  # our company's CIF, as in samples/datadis
DEFAULT_PASSWORD = "local-datadis-password"  # throwaway, like every local credential
DEFAULT_COMPANY_NAME = "PORTAL ENERGIA EJEMPLO SL"
IDENTICAL_QUERY_WAIT = 24 * 3600  # seconds

PENDIENTE, EXPIRADA, VIGENTE, RECHAZADA = 1, 3, 5, 7
STATUS_NAMES = {PENDIENTE: "PENDIENTE", EXPIRADA: "EXPIRADA", VIGENTE: "VIGENTE", RECHAZADA: "RECHAZADA"}
_ADMIN_ACTIONS = {  # action -> (the statuses it applies to, the status it sets)
    "accept": ({PENDIENTE}, VIGENTE),
    "reject": ({PENDIENTE}, RECHAZADA),
    "expire": ({PENDIENTE, VIGENTE}, EXPIRADA),
}
_MONTH = re.compile(r"([0-9]{4})/(0[1-9]|1[0-2])")
_ADMIN_AUTHORIZATION = re.compile(rf"{ADMIN_PREFIX}/authorizations/([0-9]+)/(accept|reject|expire)")
_FIRST_REQUEST_ID, _FIRST_ENTRY_ID = 500001, 9000001


@dataclass(frozen=True)
class StandInSupply:
    cups: str
    distributor_code: str = "8"  # Datadis' numbering: 8 is i-DE
    point_type: int = 5
    valid_date_from: date = date(2020, 1, 1)
    valid_date_to: date | None = None
    solar_kwp: float = 0.0
    distributor: str = "I-DE REDES ELÉCTRICAS INTELIGENTES, S.A.U."
    address: str = "CALLE EJEMPLO 12 3 B 28001 MADRID - MADRID"
    postal_code: str = "28001"
    province: str = "Madrid"
    municipality: str = "MADRID"

    def as_datadis(self) -> dict[str, Any]:
        """As get-supplies lists it."""
        return {
            "address": self.address,
            "cups": self.cups,
            "postalCode": self.postal_code,
            "province": self.province,
            "municipality": self.municipality,
            "distributor": self.distributor,
            "validDateFrom": f"{self.valid_date_from:%Y/%m/%d}",
            "validDateTo": f"{self.valid_date_to:%Y/%m/%d}" if self.valid_date_to else "",
            "pointType": self.point_type,
            "distributorCode": self.distributor_code,
        }

    @classmethod
    def from_datadis(cls, fields: Mapping[str, Any]) -> StandInSupply:
        """From get-supplies' fields (and `solarKWp`); KeyError, ValueError or TypeError when they do not fit."""
        defaults = cls(cups=str(fields["cups"]))
        return replace(
            defaults,
            distributor_code=str(fields.get("distributorCode", defaults.distributor_code)),
            point_type=int(fields.get("pointType", defaults.point_type)),
            valid_date_from=_day(fields.get("validDateFrom")) or defaults.valid_date_from,
            valid_date_to=_day(fields.get("validDateTo")),
            solar_kwp=float(fields.get("solarKWp", 0.0)),
            **{name: str(fields[key]) for name, key in _SUPPLY_TEXTS.items() if key in fields},
        )


_SUPPLY_TEXTS = {
    "distributor": "distributor",
    "address": "address",
    "postal_code": "postalCode",
    "province": "province",
    "municipality": "municipality",
}


@dataclass(frozen=True)
class StandInAccount:
    """A holder with a Datadis account, and the supplies Datadis lists for his NIF."""

    nif: str
    name: str
    supplies: tuple[StandInSupply, ...] = ()


# The holder of samples/datadis (a home with 3.6 kWp of panels), and a registered NIF without supplies.
DEMO_ACCOUNTS = (
    StandInAccount("12345678Z", "MARIA GARCIA LOPEZ", (StandInSupply("ES0021000087654321MF0F", solar_kwp=3.6),)),
    StandInAccount("00000000T", "JUAN SIN SUMINISTROS"),
)


@dataclass
class _Authorization:
    id: int
    request_id: int
    owner: StandInAccount
    cups: str
    start: date
    end: date
    status: int = PENDIENTE


@dataclass(frozen=True)
class StandInAnswer:
    status: int
    body: Any  # JSON, or str for text/plain


class _RequestError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class DatadisStandIn(BackgroundHttpService):
    """Datadis' routes and the tester's controls, state in memory, served once started."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        accounts: Iterable[StandInAccount] = DEMO_ACCOUNTS,
        username: str = DEFAULT_USERNAME,
        password: str = DEFAULT_PASSWORD,
        company_name: str = DEFAULT_COMPANY_NAME,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.username = username
        self.password = password
        self.company_name = company_name
        self.clock = clock
        self.requests_allowed = True  # False: send-request-authorization answers nopermisos
        self.requests: Counter[str] = Counter()  # Datadis route (path) -> requests received, refused ones too
        self.answered_queries: list[dict[str, str]] = []  # each data query answered 200: its parameters
        self._accounts = {_document(account.nif): account for account in accounts}
        self._authorizations: list[_Authorization] = []
        self._tokens: set[str] = set()
        self._answered: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}  # data query -> when, epoch s
        self._next_request_id, self._next_entry_id = _FIRST_REQUEST_ID, _FIRST_ENTRY_ID
        self._lock = threading.Lock()
        server = _DatadisServer((host, port), _DatadisRequestHandler)
        server.stand_in = self
        super().__init__(server, thread_name="local-datadis")

    @property
    def url(self) -> str:
        return self.base_url

    @property
    def state(self) -> dict[str, Any]:
        """Published in stack.json and the banner."""
        return {"datadis_url": self.url, "datadis_username": self.username, "datadis_password": self.password}

    def add_account(self, account: StandInAccount) -> None:
        with self._lock:
            self._accounts[_document(account.nif)] = account

    def expire_tokens(self) -> None:
        """Every token issued so far answers 401 from now on, as Datadis' expired ones do."""
        with self._lock:
            self._tokens.clear()

    def accept(self, request_id: int) -> list[dict[str, Any]]:
        """The holder grants a pending request (VIGENTE); its entries as Datadis lists them."""
        return self._answer_request(request_id, "accept")

    def reject(self, request_id: int) -> list[dict[str, Any]]:
        return self._answer_request(request_id, "reject")

    def expire(self, request_id: int) -> list[dict[str, Any]]:
        return self._answer_request(request_id, "expire")

    def authorizations(self) -> list[dict[str, Any]]:
        with self._lock:
            return [self._listed(entry) for entry in self._authorizations]

    def answer(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> StandInAnswer:
        """The answer to one HTTP request (`headers` named in lower case)."""
        parts = urlsplit(target)
        query = {name: values[-1] for name, values in parse_qs(parts.query, keep_blank_values=True).items()}
        try:
            if parts.path.startswith(ADMIN_PREFIX):
                return self._admin(method, parts.path, body)
            with self._lock:
                self.requests[parts.path] += 1
            if (method, parts.path) == ("POST", LOGIN_PATH):
                return self._login(body)
            if parts.path.startswith("/api-private/"):
                self._check_token(headers.get("authorization"))
                return self._api(method, parts.path, query, body)
            raise _RequestError(HTTPStatus.NOT_FOUND, f"no route {method} {parts.path}")
        except _RequestError as refused:
            return _error(refused.status, str(refused))

    # Datadis

    def _login(self, body: bytes) -> StandInAnswer:
        form = {name: values[-1] for name, values in parse_qs(body.decode(errors="replace")).items()}
        good = hmac.compare_digest(form.get("username", ""), self.username) and hmac.compare_digest(
            form.get("password", ""), self.password
        )
        if not good:
            raise _RequestError(HTTPStatus.UNAUTHORIZED, "wrong username or password")
        token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens.add(token)
        return StandInAnswer(HTTPStatus.OK, token)

    def _check_token(self, authorization: str | None) -> None:
        scheme, _, token = (authorization or "").partition(" ")
        with self._lock:
            known = token.strip() in self._tokens
        if scheme.lower() != "bearer" or not known:
            raise _RequestError(HTTPStatus.UNAUTHORIZED, "a valid bearer token is required")

    def _api(self, method: str, path: str, query: Mapping[str, str], body: bytes) -> StandInAnswer:
        routes: dict[tuple[str, str], Callable[[], StandInAnswer]] = {
            ("POST", SEND_REQUEST_PATH): lambda: self._send_request(body),
            ("GET", AUTHORIZATIONS_PATH): lambda: StandInAnswer(HTTPStatus.OK, {"response": self.authorizations()}),
            ("GET", SUPPLIES_PATH): lambda: self._supplies(query),
            ("GET", CONSUMPTION_PATH): lambda: self._data_query(path, query, consumption=True),
            ("GET", MAX_POWER_PATH): lambda: self._data_query(path, query, consumption=False),
        }
        route = routes.get((method, path))
        if route is None:
            raise _RequestError(HTTPStatus.NOT_FOUND, f"no route {method} {path}")
        return route()

    def _send_request(self, body: bytes) -> StandInAnswer:
        try:
            request = json.loads(body)
            nif = str(request["nifSolicitante"])
            periods = [
                (
                    str(item["cups"]),
                    _local_day(item.get("startDate", request["startDatePull"])),
                    _local_day(item.get("endDate", request["endDatePull"])),
                )
                for item in request["cups"]
            ]
            mode = request.get("mode")
        except (ValueError, TypeError, KeyError) as error:
            raise _RequestError(HTTPStatus.BAD_REQUEST, f"not an authorisation request: {error!r}") from None
        if mode != "PULL":
            raise _RequestError(HTTPStatus.BAD_REQUEST, f"mode must be PULL, not {mode!r}")
        with self._lock:
            account = self._accounts.get(_document(nif))
            if not self.requests_allowed:
                response = "nopermisos"
            elif account is None:
                response = "nonif"
            elif not account.supplies:
                response = "noSupplies"
            else:
                response = "ok"
                self._create_request(account, periods)
        logger.info("Datadis stand-in: send-request-authorization answered %s", response)
        return StandInAnswer(HTTPStatus.OK, {"response": response})

    def _create_request(self, account: StandInAccount, periods: list[tuple[str, date, date]]) -> None:
        """One request, an entry per CUPS (every supply of the holder when the request names none)."""
        if not periods:
            start = datetime.fromtimestamp(self.clock(), MADRID).date()
            periods = [(supply.cups, start, start + timedelta(days=730)) for supply in account.supplies]
        for cups, start, end in periods:
            self._authorizations.append(
                _Authorization(self._next_entry_id, self._next_request_id, account, cups, start, end)
            )
            self._next_entry_id += 1
        self._next_request_id += 1

    def _supplies(self, query: Mapping[str, str]) -> StandInAnswer:
        supplies = self._readable_supplies(query.get("authorizedNif"))
        if query.get("distributorCode"):
            supplies = [supply for supply in supplies if supply.distributor_code == query["distributorCode"]]
        return StandInAnswer(HTTPStatus.OK, [supply.as_datadis() for supply in supplies])

    def _data_query(self, path: str, query: Mapping[str, str], *, consumption: bool) -> StandInAnswer:
        required = ["cups", "distributorCode", "startDate", "endDate"]
        required += ["measurementType", "pointType"] if consumption else []
        missing = [name for name in required if not query.get(name)]
        if missing:
            raise _RequestError(HTTPStatus.BAD_REQUEST, f"missing parameters: {', '.join(missing)}")
        first, last = _month(query, "startDate"), _month(query, "endDate")
        if last < first:
            raise _RequestError(HTTPStatus.BAD_REQUEST, "endDate is before startDate")
        if consumption and query["measurementType"] != "0":
            raise _RequestError(
                HTTPStatus.BAD_REQUEST, "measurementType must be 0 (hourly; this stand-in serves no quarter-hours)"
            )
        supply = self._readable_supply(query["cups"], query.get("authorizedNif"))
        if query["distributorCode"] != supply.distributor_code:
            raise _RequestError(HTTPStatus.BAD_REQUEST, f"the supply's distributorCode is {supply.distributor_code}")
        if consumption and query["pointType"] != str(supply.point_type):
            raise _RequestError(HTTPStatus.BAD_REQUEST, f"the supply's pointType is {supply.point_type}")

        key = (path, tuple(sorted(query.items())))
        now = self.clock()
        with self._lock:
            answered_at = self._answered.get(key)
            if answered_at is not None and now - answered_at < IDENTICAL_QUERY_WAIT:
                raise _RequestError(HTTPStatus.TOO_MANY_REQUESTS, "the same query was answered less than 24 hours ago")
            self._answered[key] = now
            self.answered_queries.append(dict(query))
        days = self._days(supply, first, last)
        if consumption:
            rows = [row for day in days for row in consumption_rows(supply.cups, day, solar_kwp=supply.solar_kwp)]
        else:
            months = sorted({(day.year, day.month) for day in days})
            rows = [
                row
                for month in months
                for row in max_power_rows(supply.cups, [d for d in days if (d.year, d.month) == month])
            ]
        return StandInAnswer(HTTPStatus.OK, rows)

    def _days(self, supply: StandInSupply, first: date, last: date) -> list[date]:
        """The days of the months `first`..`last` that Datadis has: the supply's, up to yesterday."""
        end = _next_month(last)
        yesterday = datetime.fromtimestamp(self.clock(), MADRID).date() - timedelta(days=1)
        if supply.valid_date_to is not None:
            yesterday = min(yesterday, supply.valid_date_to)
        day = max(first, supply.valid_date_from)
        days = []
        while day < end and day <= yesterday:
            days.append(day)
            day += timedelta(days=1)
        return days

    def _readable_supplies(self, authorized_nif: str | None) -> list[StandInSupply]:
        """The holder's supplies our account holds an authorisation in force for (our account has none of its own)."""
        if not authorized_nif:
            return []
        today = datetime.fromtimestamp(self.clock(), MADRID).date()
        with self._lock:
            account = self._accounts.get(_document(authorized_nif))
            granted = {
                entry.cups[:20]
                for entry in self._authorizations
                if _document(entry.owner.nif) == _document(authorized_nif)
                and entry.status == VIGENTE
                and entry.start <= today <= entry.end
            }
        return [supply for supply in account.supplies if supply.cups[:20] in granted] if account else []

    def _readable_supply(self, cups: str, authorized_nif: str | None) -> StandInSupply:
        for supply in self._readable_supplies(authorized_nif):
            if supply.cups[:20] == cups.upper()[:20]:
                return supply
        raise _RequestError(HTTPStatus.FORBIDDEN, "no authorisation in force lets this account read that supply")

    def _listed(self, entry: _Authorization) -> dict[str, Any]:
        """As third-authorized-users-cups lists it."""
        return {
            "id": entry.id,
            "ownerDocument": entry.owner.nif,
            "ownerName": entry.owner.name,
            "ownerDocumentTypeName": _document_type(entry.owner.nif),
            "requesterDocument": self.username,
            "requesterDocumentTypeName": "CIF",
            "requesterName": self.company_name,
            "requestId": entry.request_id,
            "cups": entry.cups,
            "status": {"id": entry.status, "description": STATUS_NAMES[entry.status]},
            "validityDateStart": _validity(entry.start, clock_time(0, 0, 0)),
            "validityDateEnd": _validity(entry.end, clock_time(23, 59, 59)),
            "isDeleted": None,
            "distributorCodeFather": entry.cups[2:6],
        }

    # The tester's controls

    def _admin(self, method: str, path: str, body: bytes) -> StandInAnswer:
        if (method, path) == ("GET", f"{ADMIN_PREFIX}/authorizations"):
            return StandInAnswer(HTTPStatus.OK, {"authorizations": self.authorizations()})
        if (method, path) == ("POST", f"{ADMIN_PREFIX}/accounts"):
            return self._add_account(body)
        match = _ADMIN_AUTHORIZATION.fullmatch(path)
        if method == "POST" and match is not None:
            return StandInAnswer(HTTPStatus.OK, {"authorizations": self._answer_request(int(match[1]), match[2])})
        raise _RequestError(
            HTTPStatus.NOT_FOUND,
            f"the controls are GET {ADMIN_PREFIX}/authorizations, POST {ADMIN_PREFIX}/accounts and "
            f"POST {ADMIN_PREFIX}/authorizations/<requestId>/accept|reject|expire",
        )

    def _add_account(self, body: bytes) -> StandInAnswer:
        try:
            fields = json.loads(body)
            account = StandInAccount(
                nif=str(fields["nif"]),
                name=str(fields.get("name", "")),
                supplies=tuple(StandInSupply.from_datadis(supply) for supply in fields.get("supplies", [])),
            )
        except (ValueError, TypeError, KeyError) as error:
            raise _RequestError(HTTPStatus.BAD_REQUEST, f"not an account: {error!r}") from None
        self.add_account(account)
        return StandInAnswer(
            HTTPStatus.CREATED, {"nif": account.nif, "supplies": [s.as_datadis() for s in account.supplies]}
        )

    def _answer_request(self, request_id: int, action: str) -> list[dict[str, Any]]:
        applies_to, new_status = _ADMIN_ACTIONS[action]
        with self._lock:
            entries = [entry for entry in self._authorizations if entry.request_id == request_id]
            if not entries:
                raise _RequestError(HTTPStatus.NOT_FOUND, f"no request {request_id}")
            if any(entry.status not in applies_to for entry in entries):
                names = " or ".join(STATUS_NAMES[status] for status in sorted(applies_to))
                raise _RequestError(HTTPStatus.CONFLICT, f"{action} applies to a request that is {names}")
            for entry in entries:
                entry.status = new_status
            logger.info("Datadis stand-in: request %s is %s", request_id, STATUS_NAMES[new_status])
            return [self._listed(entry) for entry in entries]


def _error(status: int, message: str) -> StandInAnswer:
    return StandInAnswer(status, {"status": status, "error": HTTPStatus(status).phrase, "message": message})


def _month(query: Mapping[str, str], name: str) -> date:
    match = _MONTH.fullmatch(query[name])
    if match is None:
        raise _RequestError(HTTPStatus.BAD_REQUEST, f"{name} must be a month written AAAA/MM, not {query[name]!r}")
    return date(int(match[1]), int(match[2]), 1)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _day(value: Any) -> date | None:
    """A date written aaaa/MM/dd; None for "" or None."""
    return datetime.strptime(str(value), "%Y/%m/%d").date() if value else None


def _local_day(epoch_ms: Any) -> date:
    return datetime.fromtimestamp(int(epoch_ms) / 1000, MADRID).date()


def _validity(day: date, at: clock_time) -> str:
    """As Datadis writes a validity bound: 2026-04-01T23:59:59.000+0200."""
    return datetime.combine(day, at, MADRID).strftime("%Y-%m-%dT%H:%M:%S.000%z")


def _document(nif: str) -> str:
    return "".join(nif.split()).upper()


def _document_type(nif: str) -> str:
    """A DNI starts with a digit, a foreigner's NIE with X, Y or Z, a company's CIF with another letter."""
    first = nif[:1].upper()
    return "NIF" if first.isdigit() else "NIE" if first in "XYZ" else "CIF"


class _DatadisServer(ThreadingHTTPServer):
    daemon_threads = True
    stand_in: DatadisStandIn


class _DatadisRequestHandler(BaseHTTPRequestHandler):
    server: _DatadisServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        answer = self.server.stand_in.answer(self.command, self.path, headers, body)
        if isinstance(answer.body, str):
            data, content_type = answer.body.encode(), "text/plain;charset=UTF-8"
        else:
            data, content_type = json.dumps(answer.body, ensure_ascii=False).encode(), "application/json"
        self.send_response(answer.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: the stand-in logs what matters through `logging`."""
