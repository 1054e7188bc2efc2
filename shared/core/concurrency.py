"""Reads that wait on the network side by side, on threads created once per execution environment.

A route that needs independent reads (the consumption route: a supply point's hours, its installation's
production, its community share, its contracts) starts them all, so that it waits for the slowest instead of for
their sum. The pool's threads are made once per execution environment; they share each model's botocore client
with the main thread (PynamoDB makes one per model; botocore clients are thread-safe), so they cost no client."""

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="reads")  # the consumption route's reads at most


def started[**P, T](read: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> Future[T]:
    """`read(*args, **kwargs)` running on a pool thread; its `result()` waits for it (and raises what it raised)."""
    return _POOL.submit(read, *args, **kwargs)
