"""The items that serialise writes of contracts and invoices, as read: a write carries the version it read, and
is refused when another request's write changed the item since (the decision is then taken again)."""

from dataclasses import dataclass

from shared.supply_points.cups import Energy


@dataclass(frozen=True)
class ContractTimeline:
    """A house's contracts of one energy: of two contracts stored at the same time one is stored first, and the
    other's no-overlap check sees it."""

    house_id: str
    energy: Energy
    version: int | None = None  # None: no contract stored yet


@dataclass(frozen=True)
class DocumentRef:
    house_id: str
    id: str


@dataclass(frozen=True)
class InvoiceNumber:
    """The invoices stored under one number of a supply point: the original, and the rectifications that reuse
    its number, in the order stored (none while the number is new)."""

    energy: Energy
    supply_point: str
    number: str
    invoices: tuple[DocumentRef, ...] = ()
    version: int | None = None


@dataclass(frozen=True)
class ExternalIdClaim:
    """Which document a billing system's id (source, external id) stored, the import message that stored it,
    and the import messages that corrected it since."""

    source: str
    external_id: str
    house_id: str
    kind: str
    document_id: str
    import_message: str | None
    corrected_by: frozenset[str] = frozenset()

    def stored_or_corrected_by(self, import_message: str) -> bool:
        return import_message in {self.import_message, *self.corrected_by}
