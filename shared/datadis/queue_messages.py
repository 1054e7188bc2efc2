"""The SQS record the reads' function receives, as a Powertools parser model (a record that does not fit fails
alone, and SQS retries it, then dead-letters it); apart from the models, so that the routes import no parser."""

from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from pydantic import Json

from shared.datadis.models import HouseRead


class HouseReadRecord(SqsRecordModel):
    body: Json[HouseRead]
