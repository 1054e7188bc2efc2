from typing import Annotated

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from shared.core.models import RequestBody, Timestamp, matching
from shared.users.identity_documents import normalise_nif

_EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254),
    matching(_EMAIL, "must be an email address such as ana@example.com"),
    Field(json_schema_extra={"format": "email"}),
]
Nif = Annotated[str, AfterValidator(normalise_nif), Field(description="Spanish DNI, NIE or CIF")]
Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True),
    matching(r"\+?[0-9][0-9 ()-]{5,19}", "must be a phone number: digits, spaces, ( ) - and an optional leading +"),
]


class UserCreate(RequestBody):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    email: Email
    nif: Nif | None = None
    phone: Phone | None = None


class User(BaseModel):
    id: str
    name: str
    email: str
    nif: str | None
    phone: str | None
    created_at: Timestamp
