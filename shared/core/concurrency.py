"""Reads that wait on the network side by side, on threads created once per execution environment.

A route that needs two independent reads (a supply point's hours and its installation's production) starts the
second before making the first, so that it waits for the slower one instead of for both. PynamoDB keeps a botocore
session per thread, so each pool thread makes its client once and reuses it on every warm invocation."""

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="reads")


def started[**P, T](read: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
    """`read(*args, **kwargs)` running on a pool thread; its `result()` waits for it (and raises what it raised)."""
    return _POOL.submit(read, *args, **kwargs)
