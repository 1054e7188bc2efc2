"""What invokes the functions locally, one starter per SAM event Type (HttpApi, SQS, Schedule).

Supporting a new event Type is one starter registered in EVENT_SOURCES: it receives the template's
events of that Type (with their functions) and returns a running source that can be stopped.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from local.deployment import Deployment
from local.functions import FunctionRuntime
from local.gateway import http_api_from_deployment
from local.schedules import schedule_trigger
from local.sqs_source import sqs_event_sources
from local.template import FunctionEvent, FunctionSpec

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StackContext:
    deployment: Deployment
    aws_endpoint: str
    functions: Mapping[str, FunctionRuntime]  # by logical id: one instance pool per function, shared
    api_host: str = "127.0.0.1"
    api_port: int = 0
    control_port: int = 0  # the schedules' trigger endpoint (same host as the API)
    sqs_retry_seconds: int = 2  # a failed message is visible again after this (see local.sqs_source)


class RunningEventSource(Protocol):
    @property
    def state(self) -> Mapping[str, Any]:
        """Published in stack.json and the banner, e.g. {"api_url": ...}."""

    def stop(self) -> None: ...


FunctionEvents = list[tuple[FunctionSpec, FunctionEvent]]
EventSourceStarter = Callable[[StackContext, FunctionEvents], RunningEventSource]


def start_http_api(context: StackContext, events: FunctionEvents) -> RunningEventSource:
    routes = [route for function, event in events for route in function.http_routes if route.event_name == event.name]
    api = http_api_from_deployment(
        context.deployment,
        routes,
        context.functions,
        aws_endpoint=context.aws_endpoint,
        host=context.api_host,
        port=context.api_port,
    )
    api.start()
    return api


def start_sqs_pollers(context: StackContext, events: FunctionEvents) -> RunningEventSource:
    sources = sqs_event_sources(
        context.deployment,
        events,
        context.functions,
        aws_endpoint=context.aws_endpoint,
        retry_seconds=context.sqs_retry_seconds,
    )
    sources.start()
    return sources


def start_schedule_trigger(context: StackContext, events: FunctionEvents) -> RunningEventSource:
    trigger = schedule_trigger(
        context.deployment, events, context.functions, host=context.api_host, port=context.control_port
    )
    trigger.start()
    return trigger


EVENT_SOURCES: dict[str, EventSourceStarter] = {
    "HttpApi": start_http_api,
    "SQS": start_sqs_pollers,
    "Schedule": start_schedule_trigger,
}


def start_event_sources(context: StackContext) -> list[RunningEventSource]:
    """Start a source for every event Type the template's (created) functions use."""
    by_type: dict[str, FunctionEvents] = defaultdict(list)
    for function, event in context.deployment.template.iter_function_events():
        if function.logical_id in context.functions:
            by_type[event.type].append((function, event))
    started: list[RunningEventSource] = []
    try:
        for event_type, events in by_type.items():
            starter = EVENT_SOURCES.get(event_type)
            if starter is None:
                names = ", ".join(f"{function.logical_id}.{event.name}" for function, event in events)
                logger.warning("%s events are not emulated locally: %s", event_type, names)
                continue
            started.append(starter(context, events))
    except BaseException:
        for source in started:
            source.stop()
        raise
    return started
