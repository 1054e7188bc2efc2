"""The CupsLinks table: every link of a supply point (20-character CUPS) to a house, current and past."""

from datetime import date

from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from shared.config import env


class CupsLinkRecord(Model):
    class Meta:
        table_name = env("CUPS_LINKS_TABLE")

    supply_point = UnicodeAttribute(hash_key=True)
    link_id = UnicodeAttribute(range_key=True)  # "<linked_at>#<house id>": the history in time order
    house_id = UnicodeAttribute()
    energy = UnicodeAttribute()
    cups = UnicodeAttribute()  # as stored on the house (20 or 22 characters)
    since = UnicodeAttribute(null=True)  # the operator's `since`, as given
    visible_from = UnicodeAttribute(null=True)  # first local day the house sees; None: everything stored
    linked_at = UnicodeAttribute()
    unlinked_at = UnicodeAttribute(null=True)

    @property
    def visible_from_date(self) -> date | None:
        return date.fromisoformat(self.visible_from) if self.visible_from else None


def get_link(supply_point: str, link_id: str) -> CupsLinkRecord | None:
    try:
        return CupsLinkRecord.get(supply_point, link_id, consistent_read=True)
    except CupsLinkRecord.DoesNotExist:
        return None


def last_unlinked_at(supply_point: str, other_than_house: str) -> str | None:
    """When the most recent link of this supply point to another house ended."""
    ends = [
        link.unlinked_at
        for link in CupsLinkRecord.query(supply_point, consistent_read=True)
        if link.house_id != other_than_house and link.unlinked_at
    ]
    return max(ends, default=None)
