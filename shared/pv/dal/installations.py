"""The PvInstallations table: one item per house with an installation. The settings are written together with the
house's copy of them (what the House shows as `pv_installation`) in one transaction; the reader writes only the
last poll and its progress, so that it never overwrites an operator's change, nor an operator's change its poll."""

from collections.abc import Iterator
from datetime import datetime

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from shared.core.dal.tables import TableRecord
from shared.core.dal.transactions import ConditionFailedError, write_transaction
from shared.houses.dal import HouseRecord, house_changed_concurrently
from shared.houses.models import StoredHouse
from shared.pv.dal.read_state import LastPollAttribute, poll_actions, stored_last_poll, stored_progress
from shared.pv.models import PvLastPoll, PvSettings, ReadProgress, StoredPvInstallation

_CONDITION_FAILED = "ConditionalCheckFailedException"


class PvInstallationRecord(TableRecord):
    class Meta:
        table_setting = "pv_installations_table"

    house_id = UnicodeAttribute(hash_key=True)
    settings = UnicodeAttribute()  # PvSettings, JSON
    secret_name = UnicodeAttribute(null=True)
    site = UnicodeAttribute(null=True)  # "<provider>#<site id>": a new site is read from the start again
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    last_poll = LastPollAttribute(null=True)
    backfilled = BooleanAttribute(null=True)
    left_over = UnicodeSetAttribute(null=True)  # months still to read

    def to_installation(self) -> StoredPvInstallation:
        return StoredPvInstallation(
            house_id=self.house_id,
            settings=PvSettings.model_validate_json(self.settings),
            secret_name=self.secret_name,
            created_at=datetime.fromisoformat(self.created_at),
            updated_at=datetime.fromisoformat(self.updated_at),
            last_poll=stored_last_poll(self.last_poll),
            progress=stored_progress(self.backfilled, self.left_over),
        )


def get_installation(house_id: str) -> StoredPvInstallation | None:
    try:
        return PvInstallationRecord.get(house_id, consistent_read=True).to_installation()
    except PvInstallationRecord.DoesNotExist:
        return None


def monitored_installations() -> Iterator[StoredPvInstallation]:
    """Every installation with a monitoring platform (a scan: one item per installation)."""
    for record in PvInstallationRecord.scan(PvInstallationRecord.site.exists()):
        yield record.to_installation()


def save_installation(house: StoredHouse, installation: StoredPvInstallation) -> bool:
    """Write the installation's settings and `house` showing them, in one transaction; True when it was created.
    Its last poll is kept, and so is its reading progress unless the monitored site changed."""
    item = PvInstallationRecord
    monitoring = installation.settings.monitoring
    site = f"{monitoring.provider.value}#{monitoring.site_id}" if monitoring else None
    existing = get_installation(installation.house_id)
    same_site = existing is not None and _site(existing) == site
    actions: list[Action] = [
        item.settings.set(installation.settings.model_dump_json()),
        item.created_at.set(item.created_at | installation.created_at.isoformat()),
        item.updated_at.set(installation.updated_at.isoformat()),
        item.secret_name.set(installation.secret_name) if installation.secret_name else item.secret_name.remove(),
        item.site.set(site) if site else item.site.remove(),
    ]
    if not same_site:
        actions += [item.backfilled.remove(), item.left_over.remove()]

    def write(transaction: TransactWrite) -> None:
        transaction.save(HouseRecord.of(house))  # conditioned on the version read
        transaction.update(PvInstallationRecord(installation.house_id), actions=actions)

    try:
        write_transaction(write)
    except ConditionFailedError:
        raise house_changed_concurrently() from None
    return existing is None


def delete_installation(house: StoredHouse) -> bool:
    """Remove the installation and `house`'s copy of it; False when there was none."""

    def write(transaction: TransactWrite) -> None:
        transaction.delete(PvInstallationRecord(house.id), condition=PvInstallationRecord.house_id.exists())
        transaction.save(HouseRecord.of(house))

    try:
        write_transaction(write)
    except ConditionFailedError as failure:
        if failure.index == 0:  # deletes come first
            return False
        raise house_changed_concurrently() from None
    return True


def record_poll(house_id: str, last_poll: PvLastPoll, progress: ReadProgress) -> None:
    """The outcome of a poll, unless the installation was removed meanwhile."""
    item = PvInstallationRecord
    actions = poll_actions(item, last_poll, progress)
    try:
        PvInstallationRecord(house_id).update(actions=actions, condition=item.house_id.exists())
    except UpdateError as error:
        if error.cause_response_code != _CONDITION_FAILED:
            raise


def _site(installation: StoredPvInstallation) -> str | None:
    monitoring = installation.settings.monitoring
    return f"{monitoring.provider.value}#{monitoring.site_id}" if monitoring else None
