"""Streams and threads: how PERFORMANCE_HINT, NUM_STREAMS and INFERENCE_NUM_THREADS become
parallel requests with their share of the cores.

LATENCY: one stream using every thread. THROUGHPUT: several streams (about four threads each
on big machines, one per core on small ones), capped by PERFORMANCE_HINT_NUM_REQUESTS; the
threads are split between them. A request's kernels run on its own ``TaskPool`` of that many
threads; BLAS calls are single-threaded (``BLASLimit``) while compiled models exist.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Streams:
    streams: int
    threads: int  # per stream


def resolve_streams(config: dict[str, Any]) -> Streams:
    """Streams and threads per stream for a compile config."""
    cores = os.cpu_count() or 1
    total = int(config.get("INFERENCE_NUM_THREADS") or 0) or cores
    requested = config.get("NUM_STREAMS", "AUTO")
    if isinstance(requested, int) and requested > 0:
        streams = requested
    elif config.get("PERFORMANCE_HINT") == "THROUGHPUT":
        streams = total if total <= 4 else max(2, total // 4)
        limit = int(config.get("PERFORMANCE_HINT_NUM_REQUESTS") or 0)
        streams = min(streams, limit) if limit else streams
    else:
        streams = 1
    return Streams(streams, max(1, total // streams))


class BLASLimit:
    """Keeps BLAS single-threaded while CPU compiled models exist (the task pool parallelizes).

    OpenBLAS's thread count is process-wide and changing it is slow and racy when requests
    run in parallel (measured: two streams fell from 27 to 1.5 inferences/s when it was
    toggled per request), so it is set when the first compiled model is created and
    restored when the last one is released.
    """

    # reentrant: ``release`` runs from a finalizer, which garbage collection may call while
    # ``acquire`` holds the lock in the same thread
    _lock = threading.RLock()
    _models = 0
    _saved: dict[str, tuple[Any, int]] = {}  # library path -> (controller, threads before)

    @classmethod
    def acquire(cls) -> None:
        from threadpoolctl import ThreadpoolController

        with cls._lock:
            cls._models += 1
            # every compile: BLAS libraries loaded since (scipy's, via numba) are limited too
            for lib in ThreadpoolController().select(user_api="blas").lib_controllers:
                if lib.filepath not in cls._saved:
                    cls._saved[lib.filepath] = (lib, lib.num_threads)
                    if lib.num_threads != 1:
                        lib.set_num_threads(1)

    @classmethod
    def release(cls) -> None:
        with cls._lock:
            cls._models -= 1
            if cls._models == 0:
                for lib, n in cls._saved.values():
                    if n != 1:
                        lib.set_num_threads(n)
                cls._saved = {}
