"""Rows of F5D / RF5D / P5D files -> hourly readings; a bad row is rejected and the file goes on.

F5D and RF5D (hourly curve billed, or re-billed, by the distributor):
    cups;timestamp;season;ai;ae;r1;r2;r3;r4;method;firm;invoice;              (REE variant)
    cups;timestamp;season;ai;ae;r1;r2;r3;r4;method;firm;invoice;ai_fix;ae_fix  (CNMC variant)
P5D (curve validated by the meter, may have gaps):
    cups;timestamp;season;ai;ae;
A5D (a member's self-consumed energy) and B5D (a member's share of a collective installation's net generation, in
`ae`): the F5D layout, method and firmeza usually empty, read as real values:
    cups;timestamp;season;ai;ae;r1;r2;r3;r4;method;firm;invoice;
Energies are Wh integers: ai = consumption, ae = surplus. No header; trailing `;` optional.

Labels are local time where the supply point is: Canary time for the Canary Islands' CUPS ranges, peninsular time
for any other (`supply_points.zones.cups_time_zone`: a file is parsed before, or without, any house holding its
supply points; the consumption route moves the hours of a supply point whose house says otherwise).

Speed: a file repeats the same few dozen timestamps for every supply point and each supply point for
hundreds of rows, and hourly energies take few distinct values: every conversion is cached, so the
per-row work is a split, a few dict look-ups and building a tuple.
"""

from collections.abc import Callable, Iterator
from typing import BinaryIO, NamedTuple, TextIO

from shared.metering.decompression import open_text
from shared.metering.errors import RowError
from shared.metering.file_names import parse_file_name
from shared.metering.hour_labels import HourStart, hour_start
from shared.metering.readings import MAX_HOURLY_WH, Quality, Reading, Rejection, Source
from shared.supply_points.cups import Energy, InvalidCups, normalise_cups, supply_point_key
from shared.supply_points.zones import cups_time_zone

OnReject = Callable[[Rejection], None]
OnWrongSeason = Callable[[int], None]  # the line number of a stored row whose season flag disagrees with its label

# Cache sizes: memory stays constant even when every row brings a new CUPS, label or value.
_CUPS_CACHE_LIMIT = 4_096
_HOUR_CACHE_LIMIT = 20_000  # over two years of hourly labels
_ENERGY_CACHE_LIMIT = 20_000  # int() of a digit string costs several dict look-ups; values repeat a lot
_CHUNK_CHARS = 1 << 18  # text split into lines at a time
_QUALITY_BY_METHOD = {
    "1": Quality.REAL,  # real valid measure
    "3": Quality.REAL,  # real measure adjusted to a real closing reading
    "2": Quality.ESTIMATED,
    "4": Quality.ESTIMATED,
    "5": Quality.ESTIMATED,
    "6": Quality.ESTIMATED,
}
# NamedTuple's generated __new__ is a Python-level call; tuple.__new__ builds the same record in half the time.
_new_reading = tuple.__new__


class _Layout(NamedTuple):
    # field count -> whether the last field must be the empty one a trailing `;` leaves
    field_counts: dict[int, bool]
    method_column: int | None  # None: every row is a real reading
    expected: str


_CURVE = _Layout({12: False, 13: True, 14: False, 15: True}, 9, "12 fields (14 in the CNMC variant)")
_LAYOUTS = {
    Source.F5D: _CURVE,
    Source.RF5D: _CURVE,
    Source.P5D: _Layout({5: False, 6: True}, None, "5 fields"),
    Source.A5D: _Layout({12: False, 13: True}, None, "12 fields"),
    Source.B5D: _Layout({12: False, 13: True}, None, "12 fields"),
}


def read_metering_file(
    name: str, stream: BinaryIO, *, on_reject: OnReject, on_wrong_season: OnWrongSeason | None = None
) -> Iterator[Reading]:
    """Readings of the good rows of a distributor file, in file order; each bad row goes to on_reject, and each
    good row whose season flag disagrees with the calendar (read by its label) to on_wrong_season.

    The kind comes from the name (InvalidFileNameError at once if unknown). Streams: memory does not grow
    with the file. Errors of the compressed data itself (truncated or corrupt archive) propagate from
    the iteration as the decompressor raises them (OSError, EOFError...).
    """
    kind = parse_file_name(name).kind
    return _readings(stream, kind, on_reject, on_wrong_season or _ignore)


def _ignore(line_number: int) -> None:
    pass


HourStarts = dict[tuple[str, str], HourStart]  # (label, season flag) -> its hour


def _readings(stream: BinaryIO, kind: Source, on_reject: OnReject, on_wrong_season: OnWrongSeason) -> Iterator[Reading]:
    field_counts, method_column, expected = _LAYOUTS[kind]
    real = Quality.REAL
    hour_starts_by_zone: dict[str, HourStarts] = {}

    def supply_point(raw: str) -> tuple[str, str, HourStarts]:
        """The CUPS as written, its supply point, and the hours of labels in its time zone."""
        cups, point = _checked_cups(raw)
        zone = cups_time_zone(point)
        hour_starts = hour_starts_by_zone.get(zone.key)
        if hour_starts is None:
            hour_starts = hour_starts_by_zone[zone.key] = _Memo(
                lambda label: hour_start(label[0], label[1], zone), _HOUR_CACHE_LIMIT
            )
        return cups, point, hour_starts

    known_cups = _Memo(supply_point, _CUPS_CACHE_LIMIT)
    consumptions = _Memo(_consumption_wh, _ENERGY_CACHE_LIMIT)
    surpluses = _Memo(_surplus_wh, _ENERGY_CACHE_LIMIT)
    qualities = _Memo(_quality, len(_QUALITY_BY_METHOD))
    line_number = 0
    with open_text(stream) as text:
        for rows in _line_batches(text):
            for row in rows:
                line_number += 1
                if not row:
                    continue
                fields = row.split(";")
                try:
                    must_end_empty = field_counts.get(len(fields))
                    if must_end_empty is None or (must_end_empty and fields[-1]):
                        raise RowError(f"wrong field count: {len(fields)}, {kind} rows have {expected}")
                    cups, point, hour_starts = known_cups[fields[0]]
                    start, season_agrees = hour_starts[fields[1], fields[2]]
                    consumption_wh = consumptions[fields[3]]
                    surplus_wh = surpluses[fields[4]]
                    quality = real if method_column is None else qualities[fields[method_column]]
                except RowError as error:
                    on_reject(Rejection(line_number, str(error), row))
                    continue
                if not season_agrees:
                    on_wrong_season(line_number)
                yield _new_reading(Reading, (cups, point, start, consumption_wh, surplus_wh, quality, kind))


class _Memo[K, V](dict[K, V]):
    """One conversion per distinct key. When full it forgets everything and starts again: memory stays
    constant, and little is recomputed because files come grouped by CUPS."""

    def __init__(self, convert: Callable[[K], V], limit: int) -> None:
        super().__init__()
        self._convert = convert
        self._limit = limit

    def __missing__(self, key: K) -> V:
        if len(self) >= self._limit:
            self.clear()
        value = self[key] = self._convert(key)
        return value


def _line_batches(text: TextIO) -> Iterator[list[str]]:
    """Lines without their newline, a chunk at a time: cheaper than iterating the stream line by line."""
    pending = ""
    while chunk := text.read(_CHUNK_CHARS):
        lines = (pending + chunk).split("\n")  # universal newlines already turned \r\n into \n
        pending = lines.pop()
        yield lines
    if pending:
        yield [pending]


def _checked_cups(raw: str) -> tuple[str, str]:
    try:
        normalised = normalise_cups(raw, Energy.ELECTRICITY)
    except InvalidCups as error:
        raise RowError(f"cups: {error}") from None
    return raw, supply_point_key(normalised)


def _wh(field: str, raw: str) -> int:
    if raw.isdecimal():
        try:
            value = int(raw)
        except ValueError:  # over Python's 4300-digit limit
            raise RowError(f"{field}: a number of {len(raw)} digits is not an hourly energy") from None
        if value > MAX_HOURLY_WH:
            raise RowError(f"{field}: {value} Wh is more than the {MAX_HOURLY_WH} Wh an hour can store")
        return value
    if not raw:
        raise RowError(f"{field}: empty")
    if raw.startswith("-") and raw[1:].isdecimal():
        raise RowError(f"{field}: negative energy {raw}")
    raise RowError(f"{field}: {raw!r} is not a whole number of Wh")


def _consumption_wh(raw: str) -> int:
    return _wh("ai (consumption)", raw)


def _surplus_wh(raw: str) -> int:
    return _wh("ae (surplus)", raw) if raw else 0  # no surplus metered


def _quality(method: str) -> Quality:
    quality = _QUALITY_BY_METHOD.get(method)
    if quality is None:
        raise RowError(f"method: {method!r} is not a method of obtaining (1 to 6)")
    return quality
