import json

from shared.metering.queue_messages import ChunkMessage, ChunkRecord, NewFileRecord

KEY = "raw/conn-1/out/F5D 0021+ñ_0762_20240403.0@12-34"


def sqs_record(body: str) -> dict[str, object]:
    return {
        "messageId": "059f36b4-87a3-44ab-83d2-661975830a7d",
        "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1545082649183",
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": "1545082649185",
        },
        "messageAttributes": {},
        "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:MeteringFileQueue",
        "awsRegion": "eu-west-1",
    }


def test_the_s3_event_eventbridge_puts_in_the_queue_gives_the_key_as_is() -> None:
    event = {
        "version": "0",
        "id": "17793124-05d4-b198-2fde-7ededc63b103",
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": "123456789012",
        "time": "2024-04-03T06:00:00Z",
        "region": "eu-west-1",
        "resources": ["arn:aws:s3:::house-energy-metering-files"],
        "detail": {
            "version": "0",
            "bucket": {"name": "house-energy-metering-files"},
            "object": {"key": KEY, "size": 12, "etag": "b1946ac92492d2347c6235b4d2611184", "sequencer": "0A1B2C3D"},
            "request-id": "57H08PA84AB1JZW0",
            "requester": "123456789012",
            "source-ip-address": "1.2.3.4",
            "reason": "PutObject",
        },
    }
    detail = NewFileRecord.model_validate(sqs_record(json.dumps(event))).body.detail
    assert (detail.bucket.name, detail.object.key, detail.object.etag) == (
        "house-energy-metering-files",
        KEY,
        "b1946ac92492d2347c6235b4d2611184",
    )


def test_a_chunk_message_round_trips_through_its_queue_body() -> None:
    message = ChunkMessage(
        object_key=KEY,
        file_id="f" * 32,
        file_name="F5D_0021_0762_20240403.0",
        chunk=2,
        chunks_total=3,
        first_line=200_001,
    )
    assert ChunkRecord.model_validate(sqs_record(message.model_dump_json())).body == message
