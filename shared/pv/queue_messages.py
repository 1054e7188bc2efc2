"""The SQS record the reads' function receives, as a Powertools parser model (a record that does not fit fails
alone, and SQS retries it, then dead-letters it); apart from the models, which every house's function imports."""

from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from pydantic import Json

from shared.pv.models import InstallationRead


class InstallationReadRecord(SqsRecordModel):
    body: Json[InstallationRead]
