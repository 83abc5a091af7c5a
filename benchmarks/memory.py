"""Peak memory of a whole process tree, for the benchmarks (imported by bench_compare.py and bench_sweep.py).

benchmarks/ is not a package: a script run as `uv run python benchmarks/<script>.py` has this folder first on
sys.path, so `from memory import PeakMemory` finds this file.
"""

from __future__ import annotations

import threading
import time

import psutil

MB = 2**20


class PeakMemory:
    """Samples the resident memory of this process and all its descendants (forkserver workers included).

    Peaks, in MB: `parent` (this process), `worker` (the largest descendant), `total` (the sum of resident sizes,
    RSS, over the tree). Resident sizes count pages that forked processes share with their parent once per process;
    with `pss=True` the sampler also keeps `total_pss`, the peak sum of proportional set sizes, which splits shared
    pages among the processes that share them (Linux only). Reading a process's PSS costs about 5 ms of CPU (the
    kernel walks its page tables), so it is sampled every `pss_interval` seconds, not every `interval`: sampling
    five processes five times a second would take a tenth of a core from the measured work.
    """

    def __init__(self, interval: float = 0.2, pss: bool = False, pss_interval: float = 1.0) -> None:
        self.interval, self.parent, self.worker, self.total = interval, 0.0, 0.0, 0.0
        self.pss, self.total_pss, self.pss_every = pss, 0.0, max(1, round(pss_interval / interval))
        self._samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            self._sample(me)
            time.sleep(self.interval)

    def _sample(self, me: psutil.Process) -> None:
        try:
            kids = me.children(recursive=True)
        except psutil.Error:
            kids = []
        own, sizes = me.memory_info().rss, []
        for kid in kids:
            try:
                sizes.append(kid.memory_info().rss)
            except psutil.Error:  # a process that ended between listing and sampling
                pass
        self.parent = max(self.parent, own / MB)
        self.worker = max(self.worker, max(sizes, default=0) / MB)
        self.total = max(self.total, (own + sum(sizes)) / MB)
        self._samples += 1
        if self.pss and (self._samples - 1) % self.pss_every == 0:
            self.total_pss = max(self.total_pss, sum(_pss(p) for p in (me, *kids)) / MB)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._samples = 0  # one last sample, PSS included, so a short measurement is never empty
        self._sample(psutil.Process())


def _pss(process: psutil.Process) -> int:
    """Proportional set size of one process in bytes; 0 if it ended or the platform does not report it."""
    try:
        return getattr(process.memory_full_info(), "pss", 0)
    except psutil.Error:
        return 0
