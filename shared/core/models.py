"""Building blocks shared by every API model."""

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field


class RequestBody(BaseModel):
    """Request bodies reject unknown fields, so a typo is a 422 naming it rather than silently ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("timestamp without offset")
    return value


Timestamp = Annotated[datetime, AfterValidator(_aware)]


def matching(pattern: str, message: str) -> AfterValidator:
    """A regular-expression check whose error message a person can act on (pydantic's quotes the regex)."""
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(message)
        return value

    return AfterValidator(check)


class Page[ItemT](BaseModel):
    items: list[ItemT]
    next_cursor: str | None = Field(description="Pass as ?cursor= to get the next page; null on the last page")


class FieldError(BaseModel):
    field: str = Field(description="Dotted path of the offending field, e.g. 'postal_code' or 'body'")
    message: str


class GatewayError(BaseModel):
    """What API Gateway itself answers, e.g. a 401 from the JWT authorizer or a 429 when throttling."""

    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, sent as application/problem+json."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldError] = Field(default_factory=list)
    existing_house_id: str | None = Field(
        default=None, description="On a duplicate-house 409: the house already at that address"
    )
