"""The scheduled poll: copy each enabled distributor connection's new files to the raw/ prefix, once each.

- A file is identified by its path, size and modification time, which make its object key
  `raw/<connection id>/<remote path>@<size>-<mtime>`: a file re-sent with another size or time is a new copy.
- Copies are write-once (S3 conditional write) and so are their records (DynamoDB conditional put), so
  polls that overlap never store or count a file twice; a copy that fails midway leaves nothing behind and
  the file is copied on the next poll.
- Connections are independent: whatever goes wrong with one is recorded in its last_poll.error, and the
  poll moves on to the next. The least recently polled go first, so a backlog cannot starve the others.
- So are files: a file that cannot be copied is counted against it and the poll goes on with the next one (if
  the failure closed the session, the connection's other files wait for the next poll); after QUARANTINE_AFTER
  failed polls it is recorded `failed` with the error, so that it shows among the connection's files and stops
  being tried. A file whose
  listing alone refuses it (remote_files.refusal: its name or size, another distributor's code, a future
  date) is quarantined at once.
- Time: no connection or file is started when less than `start_margin` of the invocation is left, and a
  transfer still running when `stop_margin` is reached is abandoned (its upload aborted); what is left is
  copied on the next poll.
"""

from collections.abc import Callable, Generator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from fnmatch import fnmatchcase

from aws_lambda_powertools.metrics import MetricUnit, single_metric

from shared.core.observability import logger, metrics
from shared.metering import remote_files
from shared.metering.clients import sftp
from shared.metering.clients.connection_secrets import read_credential
from shared.metering.clients.raw_files import RawFileStore
from shared.metering.dal import connections, files
from shared.metering.hour_labels import MADRID
from shared.metering.models import LastPoll, StoredConnection
from shared.metering.ssh_keys import parse_host_key


class OutOfTimeError(Exception):
    pass


class _SessionClosedError(Exception):
    """A file's failure closed the session: the connection's other files wait for the next poll."""


@dataclass(frozen=True)
class TimeBudget:
    remaining_seconds: Callable[[], float]
    start_margin: float = 60
    stop_margin: float = 15

    def check_can_start(self) -> None:
        if self.remaining_seconds() < self.start_margin:
            raise OutOfTimeError

    def check_can_continue(self) -> None:
        if self.remaining_seconds() < self.stop_margin:
            raise OutOfTimeError


QUARANTINE_AFTER = 3  # failed polls of one file


def object_key(connection_id: str, file: sftp.RemoteFile) -> str:
    return remote_files.object_key(connection_id, file.path, file.size, file.mtime)


def poll_enabled_connections(
    store: RawFileStore, budget: TimeBudget, timeouts: sftp.Timeouts = sftp.DEFAULT_TIMEOUTS
) -> dict[str, LastPoll]:
    """Poll every enabled connection while time allows; the outcome of each one polled, by connection id."""
    enabled = sorted(
        connections.enabled_connections(),
        key=lambda connection: connection.last_poll.at.isoformat() if connection.last_poll else "",
    )
    return poll_connections(enabled, store, budget, timeouts)


def poll_connections(
    polled: list[StoredConnection],
    store: RawFileStore,
    budget: TimeBudget,
    timeouts: sftp.Timeouts = sftp.DEFAULT_TIMEOUTS,
) -> dict[str, LastPoll]:
    outcomes: dict[str, LastPoll] = {}
    for position, connection in enumerate(polled):
        try:
            budget.check_can_start()
        except OutOfTimeError:
            left = [later.id for later in polled[position:]]
            logger.warning("out of time: connections left for the next poll", extra={"connections": left})
            break
        poll = ConnectionPoll(connection, store, budget, timeouts)
        outcome = poll.run()
        connections.record_poll(connection.id, outcome)
        outcomes[connection.id] = outcome
        _count(connection.id, outcome.files_copied, len(poll.problems))
        logger.info(
            "polled distributor connection",
            extra={"connection_id": connection.id, "files_copied": outcome.files_copied, "error": outcome.error},
        )
    return outcomes


def _count(connection_id: str, files_copied: int, errors: int) -> None:
    metrics.add_metric(name="FilesCopied", unit=MetricUnit.Count, value=files_copied)
    metrics.add_metric(name="PollErrors", unit=MetricUnit.Count, value=errors)  # all connections: PollErrorsAlarm
    if errors:  # which connection: a metric of its own dimensions
        with single_metric(
            name="PollErrors",
            unit=MetricUnit.Count,
            value=errors,
            namespace=metrics.namespace,
            default_dimensions=metrics.default_dimensions,
        ) as metric:
            metric.add_dimension(name="connection_id", value=connection_id)


class ConnectionPoll:
    """One poll of one connection: copies what is new, and says how it went."""

    def __init__(
        self, connection: StoredConnection, store: RawFileStore, budget: TimeBudget, timeouts: sftp.Timeouts
    ) -> None:
        self._connection = connection
        self._store = store
        self._budget = budget
        self._timeouts = timeouts
        self._files_copied = 0
        self.problems: list[str] = []

    def run(self) -> LastPoll:
        try:
            with sftp.connect(self._endpoint(), self._timeouts) as session:
                for directory in self._connection.remote_dirs:
                    self._copy_directory(session, directory)
        except sftp.SftpError as error:
            self.problems.append(str(error))
        except _SessionClosedError:
            pass
        except OutOfTimeError:
            logger.warning("out of time: files left for the next poll", extra={"connection_id": self._connection.id})
        except Exception as error:
            logger.exception("poll failed", extra={"connection_id": self._connection.id})
            self.problems.append(f"unexpected error: {type(error).__name__}: {error}")
        return LastPoll(
            at=datetime.now(UTC),
            files_copied=self._files_copied,
            error="; ".join(self.problems) or None,
        )

    def _endpoint(self) -> sftp.SftpEndpoint:
        credential = read_credential(self._connection.secret_name)
        return sftp.SftpEndpoint(
            host=self._connection.host,
            port=self._connection.port,
            username=self._connection.username,
            host_key=parse_host_key(self._connection.host_key),
            private_key=credential.private_key,
            password=credential.password,
        )

    def _copy_directory(self, session: sftp.SftpSession, directory: str) -> None:
        try:
            listed = session.list_files(directory)
        except sftp.RemoteDirectoryError as error:
            self.problems.append(str(error))
            return
        today = datetime.now(MADRID).date()
        for file in self._new_files(listed):
            self._budget.check_can_start()
            key = object_key(self._connection.id, file)
            refused = remote_files.refusal(
                file.name, file.path, key, file.size, distributor_code=self._connection.distributor_code, today=today
            )
            if refused is not None:
                self._quarantine(file, key, refused)
                continue
            try:
                if self._copy(session, file, key):
                    self._files_copied += 1
            except sftp.SftpError as error:
                self._failed(file, key, str(error))
                if not session.is_open():
                    raise _SessionClosedError from error

    def _failed(self, file: sftp.RemoteFile, key: str, error: str) -> None:
        attempts = files.count_failed_poll(key, error)
        if attempts >= QUARANTINE_AFTER:
            self._quarantine(file, key, f"quarantined after {attempts} failed polls: {error}")
        else:
            self.problems.append(f"{error} (failed poll {attempts} of {QUARANTINE_AFTER} before quarantine)")

    def _quarantine(self, file: sftp.RemoteFile, key: str, reason: str) -> None:
        logger.warning("remote file quarantined", extra={"object_key": key, "reason": reason})
        self.problems.append(f"{remote_files.readable(file.path)}: quarantined: {reason}")
        files.record_copy(
            object_key=key,
            connection_id=self._connection.id,
            remote_path=remote_files.readable(file.path),
            name=remote_files.readable(file.name),
            size=file.size,
            mtime=file.mtime,
            copied_at=datetime.now(UTC),
            quarantined_for=reason,
        )

    def _new_files(self, listed: list[sftp.RemoteFile]) -> list[sftp.RemoteFile]:
        """The files matching the connection's patterns that have no copy yet, oldest first."""
        patterns = list(self._connection.patterns)
        wanted = {
            object_key(self._connection.id, file): file
            for file in listed
            if any(fnmatchcase(file.name, pattern) for pattern in patterns)
        }
        copied = files.recorded_keys(list(wanted))
        return sorted(
            (file for key, file in wanted.items() if key not in copied), key=lambda file: (file.mtime, file.path)
        )

    def _copy(self, session: sftp.SftpSession, file: sftp.RemoteFile, key: str) -> bool:
        """Copy and record the file. True if this poll made it available: it copied it, or recorded the copy
        an interrupted poll left unrecorded; False if an overlapping poll got there first."""
        with closing(self._within_budget(session.read_chunks(file))) as chunks:
            stored = self._store.write_once(key, chunks)
        recorded = files.record_copy(
            object_key=key,
            connection_id=self._connection.id,
            remote_path=file.path,
            name=file.name,
            size=file.size,
            mtime=file.mtime,
            copied_at=datetime.now(UTC),
        )
        if not stored:
            logger.info("the copy existed already", extra={"object_key": key, "recorded_now": recorded})
        return recorded

    def _within_budget(self, chunks: Generator[bytes]) -> Generator[bytes]:
        with closing(chunks):
            for chunk in chunks:
                self._budget.check_can_continue()
                yield chunk
