"""moto behaves as the services do where the project relies on it, at any size: a failed transaction leaves
nothing written, a query of a table or of its local index sees its whole partition (and only it), SQS sends,
receives and deletes as before."""

import json
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core.responses import ActionResult

from local.moto_patches import apply_moto_fixes

REGION = "eu-west-1"


@pytest.fixture
def dynamodb() -> Iterator[Any]:
    apply_moto_fixes()
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        client.create_table(
            TableName="docs",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "pk", "AttributeType": "S"},
                {"AttributeName": "sk", "AttributeType": "S"},
                {"AttributeName": "day", "AttributeType": "S"},
            ],
            LocalSecondaryIndexes=[
                {
                    "IndexName": "by_day",
                    "KeySchema": [
                        {"AttributeName": "pk", "KeyType": "HASH"},
                        {"AttributeName": "day", "KeyType": "RANGE"},
                    ],
                    "Projection": {"ProjectionType": "ALL"},
                }
            ],
        )
        yield client
        # An outer mock_aws (the integration tests' session, in the same worker) keeps moto's state.
        client.delete_table(TableName="docs")


def item(pk: str, sk: str, day: str = "2024-01-01", **more: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}, "day": {"S": day}} | {k: {"S": v} for k, v in more.items()}


def test_a_failed_transaction_leaves_every_item_as_it_was(dynamodb: Any) -> None:
    dynamodb.put_item(TableName="docs", Item=item("h", "kept", note="before"))
    dynamodb.put_item(TableName="docs", Item=item("h", "deleted"))
    with pytest.raises(ClientError, match="TransactionCanceled"):
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "docs", "Item": item("h", "new")}},
                {
                    "Update": {
                        "TableName": "docs",
                        "Key": {"pk": {"S": "h"}, "sk": {"S": "kept"}},
                        "UpdateExpression": "SET note = :after",
                        "ExpressionAttributeValues": {":after": {"S": "after"}},
                    }
                },
                {"Delete": {"TableName": "docs", "Key": {"pk": {"S": "h"}, "sk": {"S": "deleted"}}}},
                {
                    "Put": {
                        "TableName": "docs",
                        "Item": item("h", "guard"),
                        "ConditionExpression": "attribute_exists(pk)",  # fails: the item is not there
                    }
                },
            ]
        )
    stored = dynamodb.query(
        TableName="docs", KeyConditionExpression="pk = :h", ExpressionAttributeValues={":h": {"S": "h"}}
    )["Items"]
    assert sorted((i["sk"]["S"], i.get("note", {}).get("S")) for i in stored) == [
        ("deleted", None),
        ("kept", "before"),
    ]


def test_a_local_index_query_reads_its_partition_in_index_order(dynamodb: Any) -> None:
    for pk, sk, day in [("a", "1", "2024-03-01"), ("a", "2", "2024-01-01"), ("b", "1", "2024-02-01")]:
        dynamodb.put_item(TableName="docs", Item=item(pk, sk, day))
    found = dynamodb.query(
        TableName="docs",
        IndexName="by_day",
        KeyConditionExpression="pk = :a AND #day < :until",
        ExpressionAttributeNames={"#day": "day"},
        ExpressionAttributeValues={":a": {"S": "a"}, ":until": {"S": "2024-12-31"}},
        ScanIndexForward=False,
    )["Items"]
    assert [i["day"]["S"] for i in found] == ["2024-03-01", "2024-01-01"]
    everything = dynamodb.scan(TableName="docs")["Items"]  # other reads still see every partition
    assert len(everything) == 3


def test_a_table_query_reads_its_partition_in_key_order_page_by_page(dynamodb: Any) -> None:
    for pk, sk in [("a", "3"), ("b", "2"), ("a", "1"), ("a", "2"), ("b", "1")]:
        dynamodb.put_item(TableName="docs", Item=item(pk, sk))
    query = {
        "TableName": "docs",
        "KeyConditionExpression": "pk = :a AND sk BETWEEN :low AND :high",
        "ExpressionAttributeValues": {":a": {"S": "a"}, ":low": {"S": "1"}, ":high": {"S": "2"}},
        "Limit": 1,
    }
    first = dynamodb.query(**query)
    second = dynamodb.query(**query, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert [(i["pk"]["S"], i["sk"]["S"]) for i in first["Items"] + second["Items"]] == [("a", "1"), ("a", "2")]
    assert len(dynamodb.scan(TableName="docs")["Items"]) == 5


def test_a_query_of_a_table_keyed_by_partition_alone_finds_its_item() -> None:
    apply_moto_fixes()
    with mock_aws():
        client = boto3.client("dynamodb", region_name=REGION)
        client.create_table(
            TableName="single",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        )
        for pk in ("a", "b"):
            client.put_item(TableName="single", Item={"pk": {"S": pk}})
        found = client.query(
            TableName="single", KeyConditionExpression="pk = :a", ExpressionAttributeValues={":a": {"S": "a"}}
        )["Items"]
        client.delete_table(TableName="single")  # an outer mock_aws keeps moto's state
        assert found == [{"pk": {"S": "a"}}]


def test_sqs_receives_deletes_and_redrives_as_before() -> None:
    apply_moto_fixes()
    with mock_aws():
        sqs = boto3.client("sqs", region_name=REGION)
        dead = sqs.create_queue(QueueName="dead")["QueueUrl"]
        dead_arn = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        redrive = json.dumps({"deadLetterTargetArn": dead_arn, "maxReceiveCount": 1})
        queue = sqs.create_queue(QueueName="q", Attributes={"RedrivePolicy": redrive})["QueueUrl"]
        sqs.send_message_batch(QueueUrl=queue, Entries=[{"Id": str(n), "MessageBody": str(n)} for n in range(3)])
        received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
        assert sorted(m["Body"] for m in received) == ["0", "1", "2"]
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=received[1]["ReceiptHandle"])
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=received[1]["ReceiptHandle"])  # deleting again is fine
        with pytest.raises(ClientError, match="ReceiptHandleIsInvalid"):
            sqs.delete_message(QueueUrl=queue, ReceiptHandle="not-a-handle")
        for message in (received[0], received[2]):
            sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
        assert sqs.receive_message(QueueUrl=queue).get("Messages") is None  # received once already: dead-lettered
        assert len(sqs.receive_message(QueueUrl=dead, MaxNumberOfMessages=10)["Messages"]) == 2
        time.sleep(1.1)  # the approximate counts are at most a second old
        counts = sqs.get_queue_attributes(QueueUrl=dead, AttributeNames=["ApproximateNumberOfMessagesNotVisible"])
        assert counts["Attributes"]["ApproximateNumberOfMessagesNotVisible"] == "2"


EVERY_TYPE = {
    "text": {"S": "año"},
    "number": {"N": "12.50"},
    "binary": {"B": b"\x00\xffpacked"},
    "texts": {"SS": ["a", "b"]},
    "numbers": {"NS": ["1", "2.5"]},
    "binaries": {"BS": [b"\x01", b"\x02"]},
    "map": {"M": {"B": {"S": "an attribute named B"}, "inner": {"B": b"\x03"}}},
    "list": {"L": [{"N": "1"}, {"B": b"\x04"}, {"NULL": True}]},
    "flag": {"BOOL": False},
    "nothing": {"NULL": True},
}


def test_item_answers_are_the_ones_moto_builds_from_the_output_shape(dynamodb: Any, monkeypatch: Any) -> None:
    direct = ActionResult.execute_result
    from_shape = direct.__wrapped__  # type: ignore[attr-defined]
    answered: list[str] = []

    def both(result: ActionResult, context: Any) -> Any:
        status, headers, body = direct(result, context)
        expected_status, expected_headers, expected_body = from_shape(result, context)
        assert (status, headers, json.loads(body)) == (expected_status, expected_headers, json.loads(expected_body))
        answered.append(context.operation_model.name)
        return status, headers, body

    monkeypatch.setattr(ActionResult, "execute_result", both)
    full = item("h", "full") | EVERY_TYPE
    key = {"pk": {"S": "h"}, "sk": {"S": "full"}}
    dynamodb.put_item(TableName="docs", Item=full, ReturnConsumedCapacity="TOTAL")
    dynamodb.put_item(TableName="docs", Item=full, ReturnValues="ALL_OLD")
    gets = [
        dynamodb.get_item(TableName="docs", Key=key)["Item"],
        dynamodb.query(
            TableName="docs", KeyConditionExpression="pk = :h", ExpressionAttributeValues={":h": {"S": "h"}}
        )["Items"][0],
        dynamodb.scan(TableName="docs")["Items"][0],
        dynamodb.batch_get_item(RequestItems={"docs": {"Keys": [key]}})["Responses"]["docs"][0],
        dynamodb.transact_get_items(TransactItems=[{"Get": {"TableName": "docs", "Key": key}}])["Responses"][0]["Item"],
        dynamodb.update_item(
            TableName="docs",
            Key=key,
            UpdateExpression="SET flag = :f",
            ExpressionAttributeValues={":f": {"BOOL": False}},
            ReturnValues="ALL_NEW",
        )["Attributes"],
        dynamodb.delete_item(TableName="docs", Key=key, ReturnValues="ALL_OLD")["Attributes"],
    ]
    dynamodb.batch_write_item(RequestItems={"docs": [{"PutRequest": {"Item": item("h", "other")}}]})
    dynamodb.transact_write_items(TransactItems=[{"Delete": {"TableName": "docs", "Key": item("h", "other")}}])

    assert gets == [full] * len(gets)
    assert set(answered) == {
        "PutItem",
        "GetItem",
        "Query",
        "Scan",
        "BatchGetItem",
        "TransactGetItems",
        "UpdateItem",
        "DeleteItem",
        "BatchWriteItem",
        "TransactWriteItems",
    }
