"""Names of the distributor hourly-curve files: `F5D_0021_0762_20240403.0[.bz2|.gz|.zip]`, and the same for RF5D,
P5D, A5D and B5D."""

import re
from dataclasses import dataclass
from datetime import date

from shared.metering.errors import InvalidFileNameError
from shared.metering.readings import Source

# Z5D_<distributor>_<retailer>_<generation date>.<version>; writers append the compression suffix, and the
# zip variant of P5D drops the version (`P5D_0021_0762_20240403.zip`).
_NAME = re.compile(
    r"(?P<kind>RF5D|F5D|P5D|A5D|B5D)_(?P<distributor>[0-9]{4})_(?P<retailer>[0-9]{4})_(?P<date>[0-9]{8})"
    r"(?:\.(?P<version>[0-9]+)(?:\.(?i:bz2|gz|zip))?|\.(?i:zip))"
)


@dataclass(frozen=True, slots=True)
class MeteringFileName:
    kind: Source
    distributor_code: str
    retailer_code: str
    generated_on: date
    version: int | None


def parse_file_name(name: str) -> MeteringFileName:
    """Metadata of a metering file from its name (an S3 key or path is fine); InvalidFileNameError otherwise."""
    base_name = name.rsplit("/", 1)[-1]
    match = _NAME.fullmatch(base_name)
    if match is None:
        raise InvalidFileNameError(
            f"{base_name!r} is not a distributor curve file name "
            "(F5D|RF5D|P5D|A5D|B5D_DDDD_CCCC_YYYYMMDD.version, optionally .bz2, .gz or .zip)"
        )
    stamp = match["date"]
    try:
        generated_on = date(int(stamp[:4]), int(stamp[4:6]), int(stamp[6:]))
    except ValueError:
        raise InvalidFileNameError(f"{base_name!r} has no real generation date: {stamp}") from None
    version = match["version"]
    return MeteringFileName(
        kind=Source(match["kind"]),
        distributor_code=match["distributor"],
        retailer_code=match["retailer"],
        generated_on=generated_on,
        version=None if version is None else int(version),
    )
