from datetime import date
from typing import Annotated

from pydantic import Field, StringConstraints

from shared.models.common import RequestBody


class CupsLink(RequestBody):
    cups: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
        Field(
            description="The supply point id; stored in its compact upper-case form",
            examples=["ES0021000012345678LB0F"],
        ),
    ]
    since: date | None = Field(
        default=None,
        description="The house sees this supply point's metering from this day on (never before the end of a "
        "previous holder's link)",
    )
