"""The SupplyPointLinked events the release function receives: EventBridge events delivered through SQS.

Only `detail` is read: the rule already matched source and detail-type (and moto's events lack `account`,
which Powertools' EventBridgeModel requires)."""

from aws_lambda_powertools.utilities.parser.models import SqsRecordModel
from pydantic import BaseModel, Json

from shared.models.supply_points import SupplyPointLinked


class SupplyPointLinkedEvent(BaseModel):
    detail: SupplyPointLinked


class SupplyPointLinkedRecord(SqsRecordModel):
    body: Json[SupplyPointLinkedEvent]
