"""Distributor SFTP connections as operators register them, and the files the poller copied from them.

The SQS records the pipeline's two functions receive, as Powertools parser models (a record that does not
fit fails alone, and SQS retries it, then dead-letters it)."""

import ipaddress
import posixpath
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    SecretStr,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from shared.core.models import RequestBody, Timestamp, matching
from shared.metering.ssh_keys import parse_host_key, private_key_type

# The distributors' curve files, whatever compression suffix they come with (F5D_0021_0762_20240403.0.bz2).
DEFAULT_PATTERNS = ("F5D_*", "RF5D_*", "P5D_*", "A5D_*", "B5D_*")
_CREDENTIALS = ("private_key", "password")
_HOST_NAME = re.compile(
    r"(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)


class Authentication(StrEnum):
    PRIVATE_KEY = "private_key"
    PASSWORD = "password"


def _host(value: str) -> str:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        pass
    if not _HOST_NAME.fullmatch(value):
        raise ValueError("must be a host name such as sftp.distributor.es, or an IP address")
    return value.lower()


def _absolute_dir(value: str) -> str:
    if not value.startswith("/") or "\x00" in value or ".." in value.split("/"):
        raise ValueError("must be an absolute directory path such as /outbox, without '..'")
    return posixpath.normpath(value)


def _host_key(value: str) -> str:
    return str(parse_host_key(value))


def _private_key(value: SecretStr) -> SecretStr:
    private_key_type(value.get_secret_value())
    return value


ConnectionId = Annotated[
    str,
    matching(
        r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", "must be 1-64 letters, digits, '-' or '_', starting with a letter or digit"
    ),
]
Host = Annotated[str, StringConstraints(min_length=1, max_length=253), AfterValidator(_host)]
RemoteDir = Annotated[str, StringConstraints(min_length=1, max_length=1024), AfterValidator(_absolute_dir)]
FilePattern = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200),
    matching(r"[^/\x00]+", "must be a file name pattern such as F5D_* (no '/')"),
]


class ConnectionPut(RequestBody):
    """How the poller reaches one distributor's SFTP server. Exactly one of private_key and password."""

    # Secrets must not reach a log through the text of a validation error.
    model_config = ConfigDict(hide_input_in_errors=True)

    distributor_code: Annotated[
        str, matching(r"[0-9]{4}", "must be the 4-digit distributor code"), Field(examples=["0021"])
    ]
    host: Host
    port: int = Field(default=22, ge=1, le=65535)
    username: Annotated[
        str, StringConstraints(min_length=1, max_length=100), matching(r"\S+", "must not contain spaces")
    ]
    private_key: Annotated[SecretStr, AfterValidator(_private_key)] | None = Field(
        default=None, description="OpenSSH-format Ed25519, ECDSA or RSA private key without passphrase; never returned"
    )
    password: Annotated[SecretStr, StringConstraints(min_length=1, max_length=1024)] | None = Field(
        default=None, description="Never returned"
    )
    host_key: Annotated[str, StringConstraints(max_length=16384), AfterValidator(_host_key)] = Field(
        description="The server's public host key as a known_hosts line; the poller connects only if it matches",
        examples=["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI..."],
    )
    remote_dirs: list[RemoteDir] = Field(min_length=1, max_length=50, examples=[["/outbox"]])
    patterns: list[FilePattern] = Field(
        default=list(DEFAULT_PATTERNS), min_length=1, max_length=50, description="File name globs to copy"
    )
    enabled: bool = True

    @model_validator(mode="wrap")
    @classmethod
    def _exactly_one_credential(cls, data: Any, handler: ModelWrapValidatorHandler["ConnectionPut"]) -> "ConnectionPut":
        # A model-level error would be reported against 'body'; this one names both fields, next to any
        # errors the fields themselves have.
        errors: list[Any] = []
        model = None
        try:
            model = handler(data)
        except ValidationError as invalid:
            errors = list(invalid.errors())
        given = [name for name in _CREDENTIALS if isinstance(data, dict) and data.get(name) is not None]
        if isinstance(data, dict) and len(given) != 1:
            message = "give exactly one of private_key or password"
            errors += [
                InitErrorDetails(type=PydanticCustomError("value_error", message), loc=(name,), input=None)
                for name in _CREDENTIALS
            ]
        if errors or model is None:
            raise ValidationError.from_exception_data(cls.__name__, errors)
        return model

    @property
    def authentication(self) -> Authentication:
        return Authentication.PRIVATE_KEY if self.private_key is not None else Authentication.PASSWORD


class LastPoll(BaseModel):
    at: Timestamp
    files_copied: int
    error: str | None = Field(description="Why the last poll failed, or what it could not do; null when all went well")


class DistributorConnection(BaseModel):
    id: str
    distributor_code: str
    host: str
    port: int
    username: str
    authentication: Authentication = Field(description="Which secret the poller signs in with (never returned)")
    host_key: str
    remote_dirs: list[str]
    patterns: list[str]
    enabled: bool
    created_at: Timestamp
    updated_at: Timestamp
    last_poll: LastPoll | None = Field(description="null until the poller has tried this connection")


class ConnectionFile(BaseModel):
    name: str
    remote_path: str
    size: int
    copied_at: Timestamp
    object_key: str = Field(description="Where the copy is in the metering files bucket")
    status: str = Field(description="copied, parsed, partially_parsed or failed", examples=["copied"])
    rows_stored: int
    rows_rejected: int
    rows_wrong_season: int = Field(
        description="Rows stored whose summer/winter flag disagrees with the calendar at their label's hour (the "
        "label decides; the flag only tells apart the repeated hour of the autumn change)"
    )
    error: str | None = Field(description="Why the whole file failed, when it did")
    error_report: str | None = Field(description="Object key of the report of rejected rows, when there is one")


class FileStatus(StrEnum):
    COPIED = "copied"
    PARSED = "parsed"
    PARTIALLY_PARSED = "partially_parsed"
    FAILED = "failed"


@dataclass(frozen=True)
class ChunkRows:
    """What one chunk of a file did with its rows."""

    stored: int
    rejected: int
    wrong_season: int  # of those stored, the rows whose season flag the calendar contradicts


@dataclass(frozen=True)
class MeteringFile:
    """A distributor file copied to raw/, and how far its parse got: the content being parsed (`file_id`: object
    key and ETag; chunks of another content don't count), its chunks and rows counted so far, and whether its
    outcome was announced."""

    object_key: str
    connection_id: str
    remote_path: str
    name: str  # the remote file name, which says its kind, distributor and version
    size: int
    copied_at: datetime
    status: FileStatus = FileStatus.COPIED
    file_id: str | None = None
    chunks_total: int | None = None
    chunks_done: int = 0
    rows_stored: int = 0
    rows_rejected: int = 0
    rows_wrong_season: int = 0  # stored rows whose season flag the calendar contradicts
    supply_points: int | None = None  # distinct supply points stored, once parsed
    error: str | None = None  # why the whole file failed (unreadable, unknown name...)
    error_report_key: str | None = None  # reports/<...>: rejected rows with line and reason
    outcome_announced: bool = False
    failed_by_chunk: bool = False  # `failed` because a chunk failed on every delivery: its redrive can complete it

    def is_settled(self, file_id: str) -> bool:
        return self.file_id == file_id and self.status is not FileStatus.COPIED

    @property
    def is_complete(self) -> bool:
        """Every chunk of the content is counted, and the status is still to settle (or was failed by a chunk that
        has been counted since)."""
        unsettled = self.status is FileStatus.COPIED or self.failed_by_chunk
        return unsettled and self.chunks_done == self.chunks_total

    @property
    def final_status(self) -> FileStatus:
        if not self.rows_rejected:
            return FileStatus.PARSED
        return FileStatus.PARTIALLY_PARSED if self.rows_stored else FileStatus.FAILED

    def to_connection_file(self) -> ConnectionFile:
        return ConnectionFile(
            name=self.name,
            remote_path=self.remote_path,
            size=self.size,
            copied_at=self.copied_at,
            object_key=self.object_key,
            status=self.status.value,
            rows_stored=self.rows_stored,
            rows_rejected=self.rows_rejected,
            rows_wrong_season=self.rows_wrong_season,
            error=self.error,
            error_report=self.error_report_key,
        )


class StoredConnection(DistributorConnection):
    """A connection as stored: what the API shows, and the name of the Secrets Manager secret it signs in with
    (never serialised)."""

    secret_name: str = Field(exclude=True)
