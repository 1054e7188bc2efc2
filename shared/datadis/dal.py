"""The DatadisConnections table: one item per house that ever asked, holding its consent state, the history of
every change with its evidence, and what the reader of its consumption keeps between runs.

The API and the schedule change the consent with a write conditioned on the version they read, so that two
changes never interleave; the reader writes only its own attributes (the months and queries it read, the last
sync), so it never overwrites a consent change, nor a consent change its progress."""

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    Attribute,
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from shared.core.dal.tables import TableRecord
from shared.core.errors import ConflictError
from shared.datadis.models import (
    ConsentChange,
    ConsentStatus,
    ConsumptionQuery,
    DatadisConsent,
    ReaderProgress,
    SentQuery,
)

_CONDITION_FAILED = "ConditionalCheckFailedException"


class ChangeAttribute(MapAttribute[str, Any]):
    status = UnicodeAttribute()
    at = UnicodeAttribute()
    reason = UnicodeAttribute()
    by = UnicodeAttribute()  # "user:<sub>" or "schedule"
    evidence = UnicodeAttribute(null=True)  # what Datadis answered, JSON


class DatadisConnectionRecord(TableRecord):
    class Meta:
        table_setting = "datadis_connections_table"

    house_id = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute()
    nif = UnicodeAttribute(null=True)
    cups = UnicodeAttribute(null=True)
    requested_at = UnicodeAttribute(null=True)
    requested_by = UnicodeAttribute(null=True)
    request_id = NumberAttribute(null=True)  # Datadis' id of the request in force (or pending, rejected...)
    authorized_from = UnicodeAttribute(null=True)
    authorized_until = UnicodeAttribute(null=True)
    checked_at = UnicodeAttribute(null=True)
    history = ListAttribute[ChangeAttribute](of=ChangeAttribute, default=list)
    revision = NumberAttribute(null=True)  # moves on with each consent change; the reader never touches it
    # The reader's own attributes:
    backfilled = BooleanAttribute(null=True)  # every month of the connection's backfill was read once
    left_over = UnicodeSetAttribute(null=True)  # months (YYYY/MM) a run could not read
    sent_queries = UnicodeAttribute(null=True)  # JSON: the data queries of the last 24 hours, with when sent
    last_sync_at = UnicodeAttribute(null=True)
    last_sync_error = UnicodeAttribute(null=True)

    def to_consent(self) -> DatadisConsent:
        return DatadisConsent(
            house_id=self.house_id,
            status=ConsentStatus(self.status),
            nif=self.nif,
            cups=self.cups,
            requested_at=_moment(self.requested_at),
            requested_by=self.requested_by,
            request_id=None if self.request_id is None else int(self.request_id),
            authorized_from=_moment(self.authorized_from),
            authorized_until=_moment(self.authorized_until),
            checked_at=_moment(self.checked_at),
            history=tuple(
                ConsentChange(
                    status=ConsentStatus(change.status),
                    at=datetime.fromisoformat(change.at),
                    reason=change.reason,
                    by=change.by,
                    evidence=change.evidence,
                )
                for change in self.history
            ),
            progress=ReaderProgress(
                backfilled=bool(self.backfilled),
                left_over=frozenset(self.left_over or ()),
                sent=tuple(_sent_queries(self.sent_queries)),
                last_sync_at=_moment(self.last_sync_at),
                last_sync_error=self.last_sync_error,
            ),
            version=None if self.revision is None else int(self.revision),
        )


def get_consent(house_id: str) -> DatadisConsent | None:
    try:
        return DatadisConnectionRecord.get(house_id, consistent_read=True).to_consent()
    except DatadisConnectionRecord.DoesNotExist:
        return None


def consents_in(statuses: frozenset[ConsentStatus]) -> list[DatadisConsent]:
    """Every house's consent in one of `statuses` (a scan: the table holds only the houses that ever asked)."""
    wanted = DatadisConnectionRecord.status.is_in(*(status.value for status in statuses))
    return [record.to_consent() for record in DatadisConnectionRecord.scan(wanted)]


def save_consent(consent: DatadisConsent) -> DatadisConsent:
    """Write the consent's state and history as changed from the version it was read at (a new item when it has
    none); ConflictError when another request changed it meanwhile. The reader's attributes are left as they are."""
    fields = DatadisConnectionRecord
    actions: list[Action] = [
        fields.status.set(consent.status.value),
        fields.history.set([_change(change) for change in consent.history]),
        fields.revision.set((consent.version or 0) + 1),
        _set_or_remove(fields.nif, consent.nif),
        _set_or_remove(fields.cups, consent.cups),
        _set_or_remove(fields.requested_at, _iso(consent.requested_at)),
        _set_or_remove(fields.requested_by, consent.requested_by),
        _set_or_remove(fields.request_id, consent.request_id),
        _set_or_remove(fields.authorized_from, _iso(consent.authorized_from)),
        _set_or_remove(fields.authorized_until, _iso(consent.authorized_until)),
        _set_or_remove(fields.checked_at, _iso(consent.checked_at)),
    ]
    read_version = fields.revision.does_not_exist() if consent.version is None else fields.revision == consent.version
    record = DatadisConnectionRecord(consent.house_id)
    try:
        record.update(actions=actions, condition=read_version)
    except UpdateError as error:
        if error.cause_response_code == _CONDITION_FAILED:
            raise ConflictError("the house's Datadis connection was changed meanwhile; read it again") from None
        raise
    return record.to_consent()


def save_progress(house_id: str, progress: ReaderProgress) -> None:
    """The reader's progress after a run, written only while the house is still connected: a consent revoked
    meanwhile keeps no trace of a read it stopped."""
    fields = DatadisConnectionRecord
    sent = json.dumps([_sent_query(query) for query in progress.sent]) if progress.sent else None
    actions: list[Action] = [
        fields.backfilled.set(progress.backfilled),
        _set_or_remove(fields.left_over, set(progress.left_over) or None),
        _set_or_remove(fields.sent_queries, sent),
        _set_or_remove(fields.last_sync_at, _iso(progress.last_sync_at)),
        _set_or_remove(fields.last_sync_error, progress.last_sync_error),
    ]
    try:
        DatadisConnectionRecord(house_id).update(
            actions=actions, condition=fields.status == ConsentStatus.CONNECTED.value
        )
    except UpdateError as error:
        if error.cause_response_code != _CONDITION_FAILED:
            raise


def _set_or_remove(field: Attribute[Any], value: Any) -> Action:
    return field.remove() if value is None else field.set(value)


def _change(change: ConsentChange) -> ChangeAttribute:
    return ChangeAttribute(
        status=change.status.value,
        at=change.at.isoformat(),
        reason=change.reason,
        by=change.by,
        evidence=change.evidence,
    )


def _sent_query(sent: SentQuery) -> dict[str, Any]:
    query = sent.query
    return {
        "cups": query.cups,
        "distributor_code": query.distributor_code,
        "point_type": query.point_type,
        "authorized_nif": query.authorized_nif,
        "month": query.month,
        "measurement_type": query.measurement_type,
        "sent_at": sent.sent_at.isoformat(),
    }


def _sent_queries(stored: str | None) -> Iterator[SentQuery]:
    for entry in json.loads(stored) if stored else ():
        sent_at = datetime.fromisoformat(entry.pop("sent_at"))
        yield SentQuery(ConsumptionQuery(**entry), sent_at)


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
