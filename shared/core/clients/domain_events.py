"""Domain events put on an EventBridge bus, for whatever subscribes (notifications, recomputations...)."""

import json
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient


class DomainEventNotPublishedError(RuntimeError):
    pass


class DomainEvents:
    def __init__(self, bus_name: str, source: str) -> None:
        self._bus_name = bus_name
        self._source = source

    @cached_property
    def _client(self) -> "EventBridgeClient":
        import boto3  # noqa: PLC0415 - created on first use, inside whatever AWS endpoint is current

        return boto3.client("events")

    def publish(self, detail_type: str, detail: Mapping[str, Any]) -> None:
        response = self._client.put_events(
            Entries=[
                {
                    "EventBusName": self._bus_name,
                    "Source": self._source,
                    "DetailType": detail_type,
                    "Detail": json.dumps(detail),
                }
            ]
        )
        if response["FailedEntryCount"]:  # PutEvents answers 200 even when it refused the entry
            entry = response["Entries"][0]
            raise DomainEventNotPublishedError(
                f"{detail_type}: {entry.get('ErrorCode', 'unknown error')} {entry.get('ErrorMessage', '')}".strip()
            )
