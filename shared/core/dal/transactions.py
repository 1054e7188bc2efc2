"""Transactions over several tables, with storage errors mapped to domain errors."""

import time
from collections.abc import Callable
from typing import Final

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from shared.core.errors import ConflictError

_ATTEMPTS: Final = 4


class ConditionFailedError(Exception):
    """A condition of the transaction did not hold; `index` is the failed operation's position as DynamoDB
    orders them: condition checks, deletes, puts, then updates (PynamoDB groups them in that order)."""

    def __init__(self, index: int) -> None:
        super().__init__(f"transaction condition {index} failed")
        self.index = index


def write_transaction(build: Callable[[TransactWrite], None]) -> None:
    """Run `build` inside one DynamoDB transaction. Retries when a concurrent transaction on the same items
    got in the way (TransactionConflict), so racing requests end up serialised: one wins, the others see
    its result through their conditions."""
    for attempt in range(_ATTEMPTS):
        try:
            with TransactWrite(connection=_connection()) as transaction:
                build(transaction)
            return
        except TransactWriteError as error:
            reasons = error.cancellation_reasons or []
            failed = [i for i, reason in enumerate(reasons) if reason and reason.code == "ConditionalCheckFailed"]
            if failed:
                raise ConditionFailedError(failed[0]) from error
            if not any(reason and reason.code == "TransactionConflict" for reason in reasons):
                raise
            time.sleep(0.02 * 2**attempt)
    raise ConflictError("the resource is being changed by another request; try again")


_shared_connection: Connection | None = None


def _connection() -> Connection:
    global _shared_connection  # noqa: PLW0603 - one client per container, created on first use
    if _shared_connection is None:
        _shared_connection = Connection()
    return _shared_connection
