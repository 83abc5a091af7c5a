"""A Dask client for the commands that offer ``--scheduler ADDRESS`` or ``--dask-local N`` (sweeps, calibration)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dask.distributed import Client


@contextmanager
def dask_client(scheduler: str | None = None, local_workers: int | None = None) -> Iterator[Client]:
    """A client of an existing cluster (`scheduler` address) or of a LocalCluster of `local_workers` single-threaded
    worker processes started here; the client, and the LocalCluster if one was started, are closed on exit."""
    from dask.distributed import Client, LocalCluster  # noqa: PLC0415 - heavy; only when Dask is used

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=local_workers or 1, threads_per_worker=1, processes=True, dashboard_address=None
        )
    client = Client(scheduler or cluster)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
