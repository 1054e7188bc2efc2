import time
from datetime import UTC, datetime

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from aws_lambda_powertools.utilities.parser.models import (
    EventBridgeModel,
    S3EventNotificationEventBridgeModel,
    SqsModel,
)

from local.events import (
    LambdaContext,
    http_api_event,
    s3_object_created_event,
    scheduled_event,
    sqs_event,
    sqs_record,
    stringify_claim,
)


def test_an_authorized_request_has_the_shape_api_gateway_sends():
    event = http_api_event(
        "post",
        "/users/u-1/houses",
        route_key="POST /users/{user_id}/houses",
        path_parameters={"user_id": "u-1"},
        query="limit=5&tag=a&tag=b",
        headers={"Content-Type": "application/json", "User-Agent": "tests", "Host": "127.0.0.1:3000"},
        body='{"address": "Calle Mayor 1"}',
        jwt_claims={"sub": "s-1", "cognito:groups": ["operators"], "exp": 1700000000, "email_verified": True},
        source_ip="10.0.0.7",
        request_id="req-1",
        request_time=datetime(2024, 4, 1, 10, 30, 5, tzinfo=UTC),
    )

    assert event == {
        "version": "2.0",
        "routeKey": "POST /users/{user_id}/houses",
        "rawPath": "/users/u-1/houses",
        "rawQueryString": "limit=5&tag=a&tag=b",
        "headers": {"content-type": "application/json", "user-agent": "tests", "host": "127.0.0.1:3000"},
        "queryStringParameters": {"limit": "5", "tag": "a,b"},
        "pathParameters": {"user_id": "u-1"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "authorizer": {
                "jwt": {
                    "claims": {
                        "sub": "s-1",
                        "cognito:groups": "[operators]",
                        "exp": "1700000000",
                        "email_verified": "true",
                    },
                    "scopes": None,
                }
            },
            "domainName": "127.0.0.1:3000",
            "domainPrefix": "127",
            "http": {
                "method": "POST",
                "path": "/users/u-1/houses",
                "protocol": "HTTP/1.1",
                "sourceIp": "10.0.0.7",
                "userAgent": "tests",
            },
            "requestId": "req-1",
            "routeKey": "POST /users/{user_id}/houses",
            "stage": "$default",
            "time": "01/Apr/2024:10:30:05 +0000",
            "timeEpoch": 1711967405000,
        },
        "body": '{"address": "Calle Mayor 1"}',
        "isBase64Encoded": False,
    }


def test_optional_parts_are_absent_as_in_aws():
    event = http_api_event("GET", "/me")

    assert event["routeKey"] == "GET /me"
    assert event["rawQueryString"] == ""
    for absent in ("queryStringParameters", "pathParameters", "body", "cookies"):
        assert absent not in event
    assert "authorizer" not in event["requestContext"]


def test_a_query_mapping_repeats_keys_in_the_raw_string_and_joins_them_in_the_parameters():
    event = http_api_event("GET", "/users", query={"search": "ana lópez", "tag": ["a", "b"]})

    assert event["rawQueryString"] == "search=ana+l%C3%B3pez&tag=a&tag=b"
    assert event["queryStringParameters"] == {"search": "ana lópez", "tag": "a,b"}


def test_cookies_leave_the_headers_for_their_own_list():
    event = http_api_event("GET", "/me", headers={"Cookie": "a=1; b=2", "Accept": "*/*"})

    assert event["cookies"] == ["a=1", "b=2"]
    assert event["headers"] == {"accept": "*/*"}


def test_an_access_token_scopes_stay_in_its_claim_as_on_a_route_without_authorization_scopes():
    event = http_api_event("GET", "/me", jwt_claims={"scope": "imports/write aws.cognito.signin.user.admin"})

    jwt = event["requestContext"]["authorizer"]["jwt"]
    assert jwt["scopes"] is None
    assert jwt["claims"]["scope"] == "imports/write aws.cognito.signin.user.admin"


def test_claims_are_stringified_as_api_gateway_does():
    assert stringify_claim(["operators", "auditors"]) == "[operators auditors]"
    assert stringify_claim([]) == "[]"
    assert stringify_claim(1.7e9) == "1700000000"
    assert stringify_claim(False) == "false"
    assert stringify_claim("[operators]") == "[operators]"  # already a string: unchanged


def test_powertools_reads_the_event():
    event = APIGatewayProxyEventV2(
        http_api_event(
            "GET",
            "/users/u-1",
            path_parameters={"user_id": "u-1"},
            query="limit=2",
            headers={"Authorization": "Bearer x"},
            jwt_claims={"sub": "s-1", "cognito:groups": ["operators"]},
        )
    )

    assert event.http_method == "GET"
    assert event.path == "/users/u-1"
    assert event.path_parameters == {"user_id": "u-1"}
    assert event.query_string_parameters == {"limit": "2"}
    assert event.request_context.authorizer.jwt_claim == {"sub": "s-1", "cognito:groups": "[operators]"}
    assert event.headers["authorization"] == "Bearer x"


def test_the_context_names_the_function_and_counts_down_from_its_timeout():
    context = LambdaContext(
        "local-CreateHouseFunction", timeout_seconds=10, memory_limit_in_mb=512, aws_request_id="r-1"
    )

    assert context.function_name == "local-CreateHouseFunction"
    assert context.memory_limit_in_mb == 512
    assert context.aws_request_id == "r-1"
    assert context.invoked_function_arn == "arn:aws:lambda:eu-west-1:123456789012:function:local-CreateHouseFunction"
    assert context.log_group_name == "/aws/lambda/local-CreateHouseFunction"
    remaining = context.get_remaining_time_in_millis()
    assert 9_000 < remaining <= 10_000
    time.sleep(0.05)
    assert context.get_remaining_time_in_millis() < remaining


def test_the_remaining_time_never_goes_below_zero():
    assert LambdaContext("f", timeout_seconds=0).get_remaining_time_in_millis() == 0


# ---------------------------------------------------------------- SQS, schedules, S3 via EventBridge


def received_message(**overrides):
    """A message as boto3's receive_message returns it (all attributes requested)."""
    message = {
        "MessageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
        "ReceiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
        "MD5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
        "Body": "Test message.",
        "Attributes": {
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "SentTimestamp": "1545082649183",
            "ApproximateReceiveCount": "1",
            "ApproximateFirstReceiveTimestamp": "1545082649185",
        },
    }
    message.update(overrides)
    return message


def test_an_sqs_record_has_the_shape_lambda_sends():
    record = sqs_record(received_message(), queue_arn="arn:aws:sqs:eu-west-1:123456789012:work", region="eu-west-1")

    assert record == {
        "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
        "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
        "body": "Test message.",
        "attributes": {
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "SentTimestamp": "1545082649183",
            "ApproximateReceiveCount": "1",
            "ApproximateFirstReceiveTimestamp": "1545082649185",
        },
        "messageAttributes": {},
        "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:work",
        "awsRegion": "eu-west-1",
    }
    assert list(record) == [
        "messageId",
        "receiptHandle",
        "body",
        "attributes",
        "messageAttributes",
        "md5OfBody",
        "eventSource",
        "eventSourceARN",
        "awsRegion",
    ]


def test_message_attributes_are_camel_cased_and_binary_values_base64_encoded():
    message = received_message(
        MD5OfMessageAttributes="f3eef722b9e535eb41b93a467449512d",
        MessageAttributes={
            "source": {"StringValue": "billing", "DataType": "String"},
            "blob": {"BinaryValue": b"\x00\x01", "DataType": "Binary"},
        },
    )

    record = sqs_record(message, queue_arn="arn:aws:sqs:eu-west-1:123456789012:work", region="eu-west-1")

    assert record["messageAttributes"] == {
        "source": {"stringValue": "billing", "stringListValues": [], "binaryListValues": [], "dataType": "String"},
        "blob": {"binaryValue": "AAE=", "stringListValues": [], "binaryListValues": [], "dataType": "Binary"},
    }
    assert record["md5OfMessageAttributes"] == "f3eef722b9e535eb41b93a467449512d"


def test_powertools_reads_the_sqs_event():
    event = sqs_event(
        [sqs_record(received_message(), queue_arn="arn:aws:sqs:eu-west-1:123456789012:work", region="eu-west-1")]
    )

    parsed = SqsModel.model_validate(event)

    (record,) = parsed.Records
    assert record.body == "Test message."
    assert record.attributes.ApproximateReceiveCount == "1"
    assert record.eventSourceARN == "arn:aws:sqs:eu-west-1:123456789012:work"


def test_a_scheduled_event_has_the_shape_eventbridge_sends():
    rule_arn = "arn:aws:events:eu-west-1:123456789012:rule/local-FtpPollerFunctionPoll"

    event = scheduled_event(
        rule_arn, region="eu-west-1", event_id="e-1", time=datetime(2024, 4, 1, 10, 30, 5, 123456, tzinfo=UTC)
    )

    assert event == {
        "version": "0",
        "id": "e-1",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2024-04-01T10:30:05Z",
        "region": "eu-west-1",
        "resources": [rule_arn],
        "detail": {},
    }
    assert EventBridgeModel.model_validate(event).detail_type == "Scheduled Event"
    assert scheduled_event(rule_arn, region="eu-west-1")["id"] != scheduled_event(rule_arn, region="eu-west-1")["id"]


def test_an_object_created_event_has_the_shape_s3_sends_to_eventbridge():
    event = s3_object_created_event(
        bucket="local-meteringfilesbucket",
        key="raw/i-DE/F5D 2024+ñ.zip",
        size=1305107,
        etag="b21b84d653bb07b05b1e6b33684dc11b",
        sequencer="0C0F6F405D6ED209E1",
        region="eu-west-1",
        request_id="N4N7GDK58NMKJ12R",
        event_id="e-1",
        time=datetime(2024, 4, 1, 10, 30, 5, tzinfo=UTC),
    )

    assert event == {
        "version": "0",
        "id": "e-1",
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": "123456789012",
        "time": "2024-04-01T10:30:05Z",
        "region": "eu-west-1",
        "resources": ["arn:aws:s3:::local-meteringfilesbucket"],
        "detail": {
            "version": "0",
            "bucket": {"name": "local-meteringfilesbucket"},
            "object": {
                "key": "raw/i-DE/F5D 2024+ñ.zip",  # as is: EventBridge events are not URL-encoded
                "size": 1305107,
                "etag": "b21b84d653bb07b05b1e6b33684dc11b",
                "sequencer": "0C0F6F405D6ED209E1",
            },
            "request-id": "N4N7GDK58NMKJ12R",
            "requester": "123456789012",
            "source-ip-address": "127.0.0.1",
            "reason": "PutObject",
        },
    }
    parsed = S3EventNotificationEventBridgeModel.model_validate(event)
    assert parsed.detail.object.key == "raw/i-DE/F5D 2024+ñ.zip"
    assert parsed.detail.object.etag == "b21b84d653bb07b05b1e6b33684dc11b"


def test_the_version_id_is_only_there_for_a_versioned_bucket():
    common = {"bucket": "b-1", "key": "k", "size": 1, "etag": "e", "sequencer": "01", "region": "eu-west-1"}

    assert "version-id" not in s3_object_created_event(**common)["detail"]["object"]
    assert s3_object_created_event(**common, version_id="v-1")["detail"]["object"]["version-id"] == "v-1"
