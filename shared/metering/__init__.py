"""Distributor hourly-curve files (F5D, RF5D, P5D): names, decompression, rows -> hourly readings."""

from shared.metering.decompression import open_text
from shared.metering.errors import InvalidFileNameError, MeteringFileError, RowError
from shared.metering.file_names import MeteringFileName, parse_file_name
from shared.metering.hour_labels import MADRID, hour_start_utc
from shared.metering.parser import OnReject, read_metering_file
from shared.metering.records import Quality, Reading, Rejection, Source, StoredHour, source_rank

__all__ = [
    "MADRID",
    "InvalidFileNameError",
    "MeteringFileError",
    "MeteringFileName",
    "OnReject",
    "Quality",
    "Reading",
    "Rejection",
    "RowError",
    "Source",
    "StoredHour",
    "hour_start_utc",
    "open_text",
    "parse_file_name",
    "read_metering_file",
    "source_rank",
]
