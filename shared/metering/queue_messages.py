"""The SQS records the pipeline's two functions receive, as Powertools parser models (a record that does not
fit fails alone, and SQS retries it, then dead-letters it)."""

from aws_lambda_powertools.utilities.parser.models import S3EventNotificationEventBridgeModel, SqsRecordModel
from pydantic import BaseModel, ConfigDict, Json, PositiveInt


class NewFileRecord(SqsRecordModel):
    """S3 "Object Created" under raw/, through the EventBridge rule (keys arrive as is, not URL-encoded)."""

    body: Json[S3EventNotificationEventBridgeModel]


class ChunkMessage(BaseModel):
    """One chunk of a split file, to be parsed and stored."""

    model_config = ConfigDict(frozen=True)

    object_key: str  # the raw/ object, which keys the file's record
    file_id: str
    file_name: str  # the distributor's name, which tells the kind and the version
    chunk: PositiveInt
    chunks_total: PositiveInt
    first_line: PositiveInt  # line number in the file of the chunk's first line


class ChunkRecord(SqsRecordModel):
    body: Json[ChunkMessage]
