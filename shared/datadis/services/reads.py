"""The daily reads of a connected house's consumption: each asks for the months the plan gives (sync_plan), never
a query sent in the last 24 hours, and stores the hours under source `datadis`, below every distributor file."""

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime

from shared.core.observability import logger
from shared.datadis import dal
from shared.datadis.clients.datadis_api import DatadisApi, DatadisError, DatadisRateLimitedError
from shared.datadis.models import ConsentStatus, ConsumptionQuery, DatadisConsent, ReaderProgress, SentQuery, Supply
from shared.datadis.readings import HourlyReading, hourly_readings
from shared.datadis.sync_plan import IDENTICAL_QUERY_WAIT, plan_months
from shared.metering.dal import metering
from shared.metering.hour_groups import SupplyPointMonths
from shared.metering.readings import Quality, Reading, Source
from shared.supply_points.cups import supply_point_key
from shared.supply_points.zones import cups_time_zone


def read_consumption(house_id: str, datadis: DatadisApi, now: datetime) -> ReaderProgress | None:
    """Read the connected house's months that the plan gives, store their hours, and keep what the next run needs.
    Any failure of Datadis leaves its month for the next run and shows in last_sync_error. None: not connected."""
    consent = dal.get_consent(house_id)
    if consent is None or consent.nif is None or consent.cups is None or not _readable(consent, now):
        logger.info("not connected: nothing read", extra={"house_id": house_id})
        return None
    progress = consent.progress
    try:
        supply = _supply_of(datadis.supplies(consent.nif), consent.cups)
    except DatadisError as error:
        return _save(house_id, replace(progress, last_sync_at=now, last_sync_error=f"supplies: {error}"))
    if supply is None:
        return _save(house_id, replace(progress, last_sync_at=now, last_sync_error="Datadis does not list the CUPS"))
    every_month = ConsumptionQuery(consent.cups, supply.distributor_code, supply.point_type, consent.nif, month="")
    sent = [query for query in progress.sent if now - query.sent_at < IDENTICAL_QUERY_WAIT]
    months = plan_months(
        cups=every_month.cups,
        distributor_code=every_month.distributor_code,
        point_type=every_month.point_type,
        authorized_nif=every_month.authorized_nif,
        backfill=not progress.backfilled,
        now=now,
        sent=sent,
        left_over=progress.left_over,
    )
    left_over, problems = set(progress.left_over) | set(months), list[str]()
    for month in months:
        if not _readable(dal.get_consent(house_id), now):
            logger.info("revoked or expired while reading: stopped", extra={"house_id": house_id, "month": month})
            return None
        query = replace(every_month, month=month)
        try:
            rows = datadis.consumption(
                query.cups, query.distributor_code, month, query.point_type, query.authorized_nif
            )
        except DatadisError as error:
            problems.append(f"{month}: {error}")
            if isinstance(error, DatadisRateLimitedError):
                sent.append(SentQuery(query, now))  # Datadis counts it: not again for 24 hours
            continue
        sent.append(SentQuery(query, now))
        readings = hourly_readings(rows, cups_time_zone(consent.cups))
        store_month(supply_point_key(consent.cups), month, readings.readings, now)
        left_over.discard(month)
        if readings.bad_rows:
            problems.append(f"{month}: {len(readings.bad_rows)} rows not understood ({readings.bad_rows[0].reason})")
    return _save(
        house_id,
        ReaderProgress(
            backfilled=True,
            left_over=frozenset(left_over),
            sent=tuple(sent),
            last_sync_at=now,
            last_sync_error="; ".join(problems) or None,
        ),
    )


def _readable(consent: DatadisConsent | None, now: datetime) -> bool:
    """Connected, and the authorisation not ended (a consent that expired since the last check is not read)."""
    if consent is None or consent.status is not ConsentStatus.CONNECTED:
        return False
    return consent.authorized_until is None or consent.authorized_until >= now


def _supply_of(supplies: Iterable[Supply], cups: str) -> Supply | None:
    supply_point = supply_point_key(cups)
    return next((supply for supply in supplies if supply_point_key(supply.cups) == supply_point), None)


def store_month(supply_point: str, month: str, readings: Iterable[HourlyReading], now: datetime) -> None:
    """One month as read now: a new item below every distributor file, above earlier reads of that month."""
    months = SupplyPointMonths(metering.month_of)
    for hour in readings:
        months.add(
            Reading(
                supply_point,
                supply_point,
                hour.hour_start_utc,
                hour.consumption_wh,
                hour.surplus_wh,
                Quality.ESTIMATED if hour.estimated else Quality.REAL,
                Source.DATADIS,
            )
        )
    read = metering.MeteringFileVersion(
        source=Source.DATADIS,
        generated_on=now.astimezone(UTC).strftime("%Y%m%d"),
        version=0,
        file_id=f"datadis#{month}#{now.isoformat()}",
        delivered_at=now.isoformat(),
    )
    metering.save_hours(read, 0, months.groups())


def _save(house_id: str, progress: ReaderProgress) -> ReaderProgress:
    dal.save_progress(house_id, progress)
    return progress
