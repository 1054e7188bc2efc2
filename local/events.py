"""The events and context Lambda hands to a handler, shaped exactly as AWS sends them.

Used by the local gateway and event sources, and by tests that call a handler directly.
"""

from __future__ import annotations

import base64
import secrets
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from aws_lambda_powertools.utilities.typing import LambdaContext as PowertoolsLambdaContext

from local.deployment import moto_account_id

Query = Mapping[str, str | Sequence[str]] | str


def http_api_event(
    method: str,
    raw_path: str,
    *,
    route_key: str | None = None,
    path_parameters: Mapping[str, str] | None = None,
    query: Query | None = None,
    headers: Mapping[str, str] | None = None,
    body: str | None = None,
    is_base64_encoded: bool = False,
    jwt_claims: Mapping[str, Any] | None = None,
    source_ip: str = "127.0.0.1",
    request_id: str | None = None,
    request_time: datetime | None = None,
    api_id: str = "local",
    account_id: str | None = None,
) -> dict[str, Any]:
    """An API Gateway HTTP API event, payload format 2.0, as a Lambda integration receives it.

    - `route_key`: the matched route, e.g. "POST /users/{user_id}/houses" (default "<METHOD> <raw_path>").
    - `query`: the raw query string ("a=1&a=2") or a mapping (a list value repeats the key). As API Gateway
      does, `queryStringParameters` joins repeated keys with commas; `rawQueryString` keeps them apart.
    - `headers`: names are lower-cased; a `cookie` header moves to the `cookies` list (as API Gateway does).
    - `jwt_claims`: the verified token's claims, or None for a route without authorizer. They are turned
      into strings as API Gateway's JWT authorizer does (`["operators"]` -> "[operators]", 1700000000 ->
      "1700000000", true -> "true"). `scopes` is None: API Gateway fills it only on routes that declare
      AuthorizationScopes, which the template does not (the `scope` claim is among the claims).
    Optional keys (queryStringParameters, pathParameters, body, cookies) are absent when empty, as in AWS.
    """
    method = method.upper()
    moment = request_time or datetime.now(UTC)
    lowered = {name.lower(): value for name, value in (headers or {}).items()}
    cookie_header = lowered.pop("cookie", None)
    raw_query, query_parameters = _query(query)
    host = lowered.get("host", f"{api_id}.execute-api.amazonaws.com")
    request_context: dict[str, Any] = {
        "accountId": account_id or moto_account_id(),
        "apiId": api_id,
        "domainName": host,
        "domainPrefix": host.split(".", 1)[0],
        "http": {
            "method": method,
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": source_ip,
            "userAgent": lowered.get("user-agent", ""),
        },
        "requestId": request_id or new_api_request_id(),
        "routeKey": route_key or f"{method} {raw_path}",
        "stage": "$default",
        "time": moment.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "timeEpoch": int(moment.timestamp() * 1000),
    }
    if jwt_claims is not None:
        request_context["authorizer"] = {"jwt": jwt_authorizer_context(jwt_claims)}

    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": request_context["routeKey"],
        "rawPath": raw_path,
        "rawQueryString": raw_query,
    }
    if cookie_header:
        event["cookies"] = [cookie.strip() for cookie in cookie_header.split(";") if cookie.strip()]
    event["headers"] = lowered
    if query_parameters:
        event["queryStringParameters"] = query_parameters
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    event["requestContext"] = request_context
    if body is not None:
        event["body"] = body
    event["isBase64Encoded"] = is_base64_encoded
    return event


def jwt_authorizer_context(claims: Mapping[str, Any]) -> dict[str, Any]:
    """requestContext.authorizer.jwt as API Gateway fills it from a verified token's claims, on a route with
    no AuthorizationScopes."""
    return {"claims": {name: stringify_claim(value) for name, value in claims.items()}, "scopes": None}


def stringify_claim(value: Any) -> str:
    """How API Gateway's JWT authorizer passes a claim: always a string, lists as "[a b]"."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return "[" + " ".join(stringify_claim(item) for item in value) + "]"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{key}:{stringify_claim(item)}" for key, item in sorted(value.items())) + "]"
    return str(value)


def new_api_request_id() -> str:
    """An id shaped like API Gateway's (e.g. "JKJaXmPLvHcESHA=")."""
    return base64.b64encode(secrets.token_bytes(10)).decode()


def _query(query: Query | None) -> tuple[str, dict[str, str]]:
    if query is None:
        return "", {}
    if isinstance(query, str):
        raw = query.removeprefix("?")
        pairs = parse_qsl(raw, keep_blank_values=True)
    else:
        pairs = [
            (key, item) for key, value in query.items() for item in ([value] if isinstance(value, str) else list(value))
        ]
        raw = urlencode(pairs)
    joined: dict[str, str] = {}
    for key, value in pairs:
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    return raw, joined


# ---------------------------------------------------------------- SQS (event source mapping)


def sqs_record(message: Mapping[str, Any], *, queue_arn: str, region: str) -> dict[str, Any]:
    """One record of an SQS event, from a message as ReceiveMessage returns it (boto3's shape).

    Receive with MessageSystemAttributeNames=["All"] and MessageAttributeNames=["All"], as Lambda does.
    """
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": dict(message.get("Attributes") or {}),
        "messageAttributes": {
            name: _sqs_message_attribute(value) for name, value in (message.get("MessageAttributes") or {}).items()
        },
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    record.update(
        md5OfBody=message["MD5OfBody"],
        eventSource="aws:sqs",
        eventSourceARN=queue_arn,
        awsRegion=region,
    )
    return record


def sqs_event(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"Records": [dict(record) for record in records]}


def _sqs_message_attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    # Lambda writes the attribute camel-cased, binary values base64-encoded, with both (empty) list fields.
    attribute: dict[str, Any] = {}
    if "StringValue" in value:
        attribute["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        attribute["binaryValue"] = _base64(value["BinaryValue"])
    attribute["stringListValues"] = list(value.get("StringListValues") or [])
    attribute["binaryListValues"] = [_base64(item) for item in value.get("BinaryListValues") or []]
    attribute["dataType"] = value["DataType"]
    return attribute


def _base64(value: bytes | str) -> str:
    return base64.b64encode(value.encode() if isinstance(value, str) else value).decode()


# ---------------------------------------------------------------- EventBridge


def eventbridge_time(moment: datetime | None = None) -> str:
    """EventBridge's `time`: UTC to the second, e.g. "2024-04-01T10:30:05Z"."""
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def scheduled_event(
    rule_arn: str,
    *,
    region: str,
    account_id: str | None = None,
    event_id: str | None = None,
    time: datetime | None = None,
) -> dict[str, Any]:
    """What a schedule rule (a function's `Type: Schedule` event) sends its Lambda target."""
    return {
        "version": "0",
        "id": event_id or str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": account_id or moto_account_id(),
        "time": eventbridge_time(time),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


# S3's `reason` for each way of creating an object (moto's event names).
S3_CREATED_REASONS = {
    "s3:ObjectCreated:Put": "PutObject",
    "s3:ObjectCreated:Post": "POST Object",
    "s3:ObjectCreated:Copy": "CopyObject",
    "s3:ObjectCreated:CompleteMultipartUpload": "CompleteMultipartUpload",
}


def s3_object_created_event(
    *,
    bucket: str,
    key: str,
    size: int,
    etag: str,
    sequencer: str,
    reason: str = "PutObject",
    version_id: str | None = None,
    region: str,
    account_id: str | None = None,
    requester: str | None = None,
    request_id: str | None = None,
    source_ip: str = "127.0.0.1",
    event_id: str | None = None,
    time: datetime | None = None,
) -> dict[str, Any]:
    """The "Object Created" event S3 sends to EventBridge (bucket with EventBridge notifications enabled).

    `key` is the object key as is (EventBridge events are not URL-encoded, unlike S3's direct notifications);
    `etag` without quotes; `version-id` only in a bucket that has versioning (as in AWS); `reason` is the API
    that created the object (PutObject, POST Object, CopyObject, CompleteMultipartUpload).
    """
    account = account_id or moto_account_id()
    s3_object: dict[str, Any] = {"key": key, "size": size, "etag": etag}
    if version_id is not None:
        s3_object["version-id"] = version_id
    s3_object["sequencer"] = sequencer
    return {
        "version": "0",
        "id": event_id or str(uuid.uuid4()),
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": account,
        "time": eventbridge_time(time),
        "region": region,
        "resources": [f"arn:aws:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": s3_object,
            "request-id": request_id or new_s3_request_id(),
            "requester": requester or account,
            "source-ip-address": source_ip,
            "reason": reason,
        },
    }


def new_s3_request_id() -> str:
    """An id shaped like S3's x-amz-request-id (e.g. "N4N7GDK58NMKJ12R")."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


# ---------------------------------------------------------------- context


class LambdaContext(PowertoolsLambdaContext):
    """The context object of one invocation; the remaining time counts down from the function's Timeout."""

    def __init__(
        self,
        function_name: str,
        *,
        timeout_seconds: float,
        memory_limit_in_mb: int = 128,
        region: str = "eu-west-1",
        account_id: str | None = None,
        aws_request_id: str | None = None,
    ) -> None:
        self._function_name = function_name
        self._function_version = "$LATEST"
        self._invoked_function_arn = (
            f"arn:aws:lambda:{region}:{account_id or moto_account_id()}:function:{function_name}"
        )
        self._memory_limit_in_mb = memory_limit_in_mb
        self._aws_request_id = aws_request_id or str(uuid.uuid4())
        self._log_group_name = f"/aws/lambda/{function_name}"
        self._log_stream_name = f"{datetime.now(UTC):%Y/%m/%d}/[$LATEST]{secrets.token_hex(16)}"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:  # type: ignore[override]
        return max(0, int((self._deadline - time.monotonic()) * 1000))
