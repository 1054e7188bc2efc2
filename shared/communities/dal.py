"""The EnergyCommunities table: per community (partition `community_id`) one `community` item and one
`set#<YYYY-MM-DD>` item per coefficient set. A community claims its CAU in the UniqueKeys table in the same
transaction that creates it; a set is written once (a second set starting the same day is refused by the
condition); the member houses' periods (what the House and consumption read) are written on each house, conditioned
on the version read, by `save_house_periods`."""

import json
from collections.abc import Iterator
from datetime import date, datetime

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.transactions import TransactWrite

from shared.communities.models import SetMember, StoredCoefficientSet, StoredCommunity
from shared.core.dal import unique_keys
from shared.core.dal.pages import read_page
from shared.core.dal.tables import TableRecord
from shared.core.dal.transactions import ConditionFailedError, write_transaction
from shared.core.errors import UniqueValueTakenError
from shared.core.paging import PageRequest
from shared.houses.dal import HouseRecord, house_changed_concurrently
from shared.houses.models import StoredHouse
from shared.pv.dal.read_state import LastPollAttribute, poll_actions, stored_last_poll, stored_progress
from shared.pv.models import Monitoring, PvLastPoll, ReadProgress

_CONDITION_FAILED = "ConditionalCheckFailedException"
_COMMUNITY = "community"
_SET = "set#"


class CommunityRecord(TableRecord):
    class Meta:
        table_setting = "energy_communities_table"

    community_id = UnicodeAttribute(hash_key=True)
    item = UnicodeAttribute(range_key=True)  # "community", or "set#<valid_from>"
    # the community
    name = UnicodeAttribute(null=True)
    cau = UnicodeAttribute(null=True)
    peak_power_kwp = NumberAttribute(null=True)
    monitoring = UnicodeAttribute(null=True)  # Monitoring, JSON
    secret_name = UnicodeAttribute(null=True)
    last_poll = LastPollAttribute(null=True)
    backfilled = BooleanAttribute(null=True)
    left_over = UnicodeSetAttribute(null=True)  # months still to read
    # a coefficient set
    members = UnicodeAttribute(null=True)  # [[house id, CUPS, millionths], ...] sorted by CUPS, JSON
    created_at = UnicodeAttribute()

    @classmethod
    def of_community(cls, community: StoredCommunity) -> "CommunityRecord":
        monitoring = community.monitoring
        return cls(
            community.id,
            _COMMUNITY,
            name=community.name,
            cau=community.cau,
            peak_power_kwp=community.peak_power_kwp,
            monitoring=monitoring.model_dump_json() if monitoring else None,
            secret_name=community.secret_name,
            created_at=community.created_at.isoformat(),
        )

    def to_community(self) -> StoredCommunity:
        return StoredCommunity(
            id=self.community_id,
            name=str(self.name),
            cau=str(self.cau),
            peak_power_kwp=None if self.peak_power_kwp is None else float(self.peak_power_kwp),
            monitoring=Monitoring.model_validate_json(self.monitoring) if self.monitoring else None,
            secret_name=self.secret_name,
            created_at=datetime.fromisoformat(self.created_at),
            last_poll=stored_last_poll(self.last_poll),
            progress=stored_progress(self.backfilled, self.left_over),
        )

    @classmethod
    def of_set(cls, coefficient_set: StoredCoefficientSet) -> "CommunityRecord":
        members = [[member.house_id, member.cups, member.coefficient] for member in coefficient_set.members]
        return cls(
            coefficient_set.community_id,
            f"{_SET}{coefficient_set.valid_from.isoformat()}",
            members=json.dumps(members, separators=(",", ":")),
            created_at=coefficient_set.created_at.isoformat(),
        )

    def to_set(self) -> StoredCoefficientSet:
        return StoredCoefficientSet(
            community_id=self.community_id,
            valid_from=date.fromisoformat(self.item.removeprefix(_SET)),
            members=tuple(
                SetMember(house_id, cups, coefficient) for house_id, cups, coefficient in json.loads(str(self.members))
            ),
            created_at=datetime.fromisoformat(self.created_at),
        )


def cau_key(cau: str) -> str:
    return f"community-cau#{cau}"


def create_community(community: StoredCommunity) -> None:
    """Store a new community claiming its CAU; UniqueValueTakenError naming the community that holds it."""
    key = cau_key(community.cau)

    def write(transaction: TransactWrite) -> None:
        unique_keys.claim(transaction, key, community.id)
        transaction.save(CommunityRecord.of_community(community), condition=CommunityRecord.item.does_not_exist())

    try:
        write_transaction(write)
    except ConditionFailedError:
        raise UniqueValueTakenError(key, owner_id=unique_keys.owner_of(key)) from None


def get_community(community_id: str) -> StoredCommunity | None:
    try:
        return CommunityRecord.get(community_id, _COMMUNITY, consistent_read=True).to_community()
    except CommunityRecord.DoesNotExist:
        return None


def list_communities(page: PageRequest) -> tuple[list[StoredCommunity], str | None]:
    records, cursor = read_page(
        lambda limit, start: CommunityRecord.scan(
            CommunityRecord.item == _COMMUNITY, limit=limit, last_evaluated_key=start
        ),
        page,
        lambda record: {"community_id": {"S": record.community_id}, "item": {"S": record.item}},
    )
    return [record.to_community() for record in records], cursor


def monitored_communities() -> Iterator[StoredCommunity]:
    """Every community whose installation has a monitoring platform (a scan)."""
    for record in CommunityRecord.scan((CommunityRecord.item == _COMMUNITY) & CommunityRecord.secret_name.exists()):
        yield record.to_community()


def record_poll(community_id: str, last_poll: PvLastPoll, progress: ReadProgress) -> None:
    item = CommunityRecord
    actions = poll_actions(item, last_poll, progress)
    try:
        CommunityRecord(community_id, _COMMUNITY).update(actions=actions, condition=item.community_id.exists())
    except UpdateError as error:
        if error.cause_response_code != _CONDITION_FAILED:
            raise


def coefficient_sets(community_id: str) -> list[StoredCoefficientSet]:
    """Every set of the community, oldest first (one query)."""
    return [
        record.to_set()
        for record in CommunityRecord.query(community_id, CommunityRecord.item.startswith(_SET), consistent_read=True)
    ]


def save_set(coefficient_set: StoredCoefficientSet) -> bool:
    """Store the set unless one already starts that day; False then."""
    try:
        CommunityRecord.of_set(coefficient_set).save(condition=CommunityRecord.item.does_not_exist())
    except PutError as error:
        if error.cause_response_code == _CONDITION_FAILED:
            return False
        raise
    return True


def save_house_periods(house: StoredHouse) -> None:
    """`house` (read earlier) with its new membership periods, unless it changed meanwhile (ConflictError)."""
    try:
        HouseRecord.of(house).save()
    except (PutError, UpdateError) as error:
        if error.cause_response_code == _CONDITION_FAILED:
            raise house_changed_concurrently() from None
        raise
