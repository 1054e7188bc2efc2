"""What every stored contract and invoice carries besides its body, and where it came from."""

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field

from shared.core.models import Timestamp


@dataclass(frozen=True)
class Origin:
    """Who stored a document: an operator through the portal API, or a billing system's import message
    (`source` is then the billing system's name, `external_id` its id there, and `import_message` the message
    that carried it, so that the same message delivered again recognises what it stored)."""

    source: str
    external_id: str | None = None
    import_message: str | None = None


PORTAL = Origin("portal")


@dataclass(frozen=True)
class Correction:
    """Who replaced a stored contract, as its history records it (`by`): an operator through the portal API, or a
    billing system's import message (`import_message`, which the document's claim then names too, so that the
    message delivered again recognises what it did)."""

    by: str
    import_message: str | None = None

    @classmethod
    def by_operator(cls, sub: str) -> "Correction":
        return cls(f"operator:{sub}")

    @classmethod
    def by_import_message(cls, key: str) -> "Correction":
        return cls(f"import:{key}", import_message=key)


class StoredDocument(BaseModel):
    id: str
    house_id: str
    cups: str = Field(description="The house's CUPS of this energy when the document was stored")
    source: str = Field(description="'portal', or the billing system it was imported from", examples=["portal"])
    external_id: str | None = Field(description="The document's id in the billing system it was imported from")
    created_at: Timestamp


@dataclass(frozen=True)
class DocumentEntry:
    """A contract or invoice as stored, whatever its kind (`kind` is its BillingKind's segment): its body as
    validated (JSON), the days it covers, where it came from and when it was stored and last changed."""

    house_id: str
    kind: str
    id: str
    cups: str  # the house's CUPS of that energy when stored
    body: str
    first_day: date
    last_day: date | None  # None: an open-ended contract
    origin: Origin
    created_at: str
    updated_at: str | None = None  # None until a contract is first changed

    def in_force(self, day: date) -> bool:
        """Whether a document that starts by `day` still covers it."""
        return self.last_day is None or self.last_day >= day

    def days_text(self) -> str:
        return f"{self.first_day} to {self.last_day}" if self.last_day else f"{self.first_day} on (open-ended)"
