"""A function's `Type: Schedule` events, fired on request through the stack's control endpoint.

moto keeps the rule SAM generates for such an event (see local.provision) but never fires it. The local stack
does not fire it on its rate either, on purpose: a poller waking up every 15 minutes in the middle of someone's
debugging session (or of an end-to-end test) surprises more than it helps. Instead the stack serves a small
control endpoint (its URL is `control_url` in stack.json) and fires a schedule when asked:

    make trigger FN=ftp_poller                       # python -m local.trigger ftp_poller
    curl -X POST <control_url>/schedules/ftp_poller  # the same
    curl <control_url>/schedules                     # what can be fired

A schedule is named by its function's folder (ftp_poller), its logical id (FtpPollerFunction), or either
followed by the event name (FtpPollerFunction.Poll) when a function has several. The function receives
exactly what EventBridge sends (version 0, "Scheduled Event", source aws.events, resources [rule ARN] ...),
or the event's `Input` when it has one. EventBridge invokes asynchronously; locally the request waits for the
run and answers its result (200) or error (500), and a failed run is not retried (Lambda retries twice).
A function's ReservedConcurrentExecutions holds: a trigger waits while the function is already that busy.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from local.background_http import BackgroundHttpService
from local.deployment import Deployment
from local.events import scheduled_event
from local.functions import FunctionRuntime
from local.provision import sam_event_resource_id, schedule_rule_state
from local.template import FunctionEvent, FunctionSpec

logger = logging.getLogger(__name__)

SCHEDULES_PATH = "/schedules"


@dataclass(frozen=True)
class Schedule:
    function: FunctionSpec
    event_name: str
    rule_arn: str
    expression: str
    enabled: bool
    input: str | None = None  # the target's Input: sent instead of the scheduled event

    @property
    def name(self) -> str:
        return f"{self.function.logical_id}.{self.event_name}"

    def names(self) -> set[str]:
        """Every name that picks this schedule out (the function's alone may be shared with other schedules)."""
        function_names = {self.function.logical_id, self.function.folder_name}
        return function_names | {f"{name}.{self.event_name}" for name in function_names}

    def event(self, *, region: str, account_id: str) -> Any:
        if self.input is not None:
            return json.loads(self.input)
        return scheduled_event(self.rule_arn, region=region, account_id=account_id)

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "function": self.function.folder_name,
            "rule_arn": self.rule_arn,
            "schedule": self.expression,
            "state": "ENABLED" if self.enabled else "DISABLED",
        }


class ScheduleNotFoundError(LookupError):
    """No schedule, or more than one, answers to the name; the message lists the names that work."""


@dataclass(frozen=True)
class Firing:
    schedule: Schedule
    event: Any
    result: Any


class ScheduleTrigger(BackgroundHttpService):
    """Fires schedules on request; serves them on the control endpoint once started."""

    def __init__(
        self,
        schedules: Sequence[Schedule],
        functions: Mapping[str, FunctionRuntime],
        *,
        region: str,
        account_id: str,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.schedules = list(schedules)
        self.region = region
        self.account_id = account_id
        self._functions = functions
        self._busy = {
            schedule.function.logical_id: threading.BoundedSemaphore(schedule.function.reserved_concurrency)
            for schedule in self.schedules
            if schedule.function.reserved_concurrency
        }
        server = _ControlServer((host, port), _ControlRequestHandler)
        server.trigger = self
        super().__init__(server, thread_name="local-control")

    @property
    def url(self) -> str:
        return self.base_url

    @property
    def state(self) -> dict[str, Any]:
        return {
            "control_url": self.url,
            "schedules": {schedule.function.folder_name: schedule.name for schedule in self.schedules},
        }

    def find(self, name: str) -> Schedule:
        matches = [schedule for schedule in self.schedules if name in schedule.names()]
        if len(matches) == 1:
            return matches[0]
        known = ", ".join(sorted(schedule.name for schedule in self.schedules)) or "none"
        if matches:
            raise ScheduleNotFoundError(f"{name} has several schedules, name one of: {known}")
        raise ScheduleNotFoundError(f"no schedule {name!r}; schedules: {known}")

    def fire(self, name: str) -> Firing:
        """Invoke the schedule's function now with its event; the function's exception propagates."""
        schedule = self.find(name)
        event = schedule.event(region=self.region, account_id=self.account_id)
        busy = self._busy.get(schedule.function.logical_id)
        logger.info("firing %s (%s)", schedule.name, schedule.rule_arn)
        if busy is None:
            return Firing(schedule, event, self._functions[schedule.function.logical_id].invoke(event))
        with busy:
            return Firing(schedule, event, self._functions[schedule.function.logical_id].invoke(event))


class _ControlServer(ThreadingHTTPServer):
    daemon_threads = True
    trigger: ScheduleTrigger


class _ControlRequestHandler(BaseHTTPRequestHandler):
    server: _ControlServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if urlsplit(self.path).path.rstrip("/") != SCHEDULES_PATH:
            self._answer(404, {"message": f"GET {SCHEDULES_PATH} or POST {SCHEDULES_PATH}/<function>"})
            return
        self._answer(200, {"schedules": [schedule.describe() for schedule in self.server.trigger.schedules]})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        name = unquote(path.removeprefix(SCHEDULES_PATH + "/")).strip("/")
        if not path.startswith(SCHEDULES_PATH + "/") or not name:
            self._answer(404, {"message": f"POST {SCHEDULES_PATH}/<function> fires the function's schedule"})
            return
        trigger = self.server.trigger
        try:
            schedule = trigger.find(name)
        except ScheduleNotFoundError as error:
            self._answer(404, {"message": str(error)})
            return
        try:
            firing = trigger.fire(schedule.name)
        except Exception as error:
            logger.exception("%s failed", name)
            self._answer(
                500,
                {"schedule": schedule.name, "errorType": type(error).__name__, "errorMessage": str(error)},
            )
            return
        self._answer(
            200,
            {
                "schedule": firing.schedule.name,
                "rule_arn": firing.schedule.rule_arn,
                "event": firing.event,
                "result": firing.result,
            },
        )

    def _answer(self, status: int, body: Mapping[str, Any]) -> None:
        data = json.dumps(body, default=str).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: firing is logged through `logging`."""


def schedule_trigger(
    deployment: Deployment,
    events: Iterable[tuple[FunctionSpec, FunctionEvent]],
    functions: Mapping[str, FunctionRuntime],
    *,
    host: str = "127.0.0.1",
    port: int = 0,
) -> ScheduleTrigger:
    """A trigger for the template's Schedule events, whose rules `provision` created."""
    schedules = []
    for function, event in events:
        properties = deployment.resolve(event.properties) or {}
        rule_arn = deployment.get_att(sam_event_resource_id(function, event.name), "Arn")
        schedule_input = properties.get("Input")
        schedules.append(
            Schedule(
                function=function,
                event_name=event.name,
                rule_arn=rule_arn,
                expression=str(properties.get("Schedule")),
                enabled=schedule_rule_state(properties) == "ENABLED",
                input=json.dumps(schedule_input) if isinstance(schedule_input, dict) else schedule_input,
            )
        )
    return ScheduleTrigger(
        schedules, functions, region=deployment.region, account_id=deployment.account_id, host=host, port=port
    )
