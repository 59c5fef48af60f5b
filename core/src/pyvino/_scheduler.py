"""RequestPool: dispatch requests over several compiled models (MULTI, AUTO's CTPUT/fallback).

Each device contributes worker requests; ``run(inputs)`` takes a free worker of the most
preferred healthy device, runs it, and on failure marks that device failed and retries on the
next one, so no request is lost while any device still works.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pyvino._errors import InferenceError

log = logging.getLogger("pyvino.scheduler")


@dataclass
class _Worker:
    device: str
    request: Any
    busy: bool = False


@dataclass
class RequestPool:
    """Workers per device in priority order; thread-safe."""

    retry_on_failure: bool = True
    workers: list[_Worker] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._cond = threading.Condition()

    def add(self, device: str, compiled: Any, requests: int) -> None:
        with self._cond:
            for _ in range(max(1, requests)):
                self.workers.append(_Worker(device, compiled.create_infer_request()))
            self._cond.notify_all()

    def devices(self) -> list[str]:
        return list(dict.fromkeys(w.device for w in self.workers if w.device not in self.failed))

    def _acquire(self, exclude: set[str]) -> _Worker:
        with self._cond:
            while True:
                healthy = [w for w in self.workers
                           if w.device not in self.failed and w.device not in exclude]
                if not healthy:
                    reasons = "; ".join(f"{d}: {r}" for d, r in self.failed.items())
                    raise InferenceError(f"no device left to run the request ({reasons})")
                free = next((w for w in healthy if not w.busy), None)
                if free is not None:
                    free.busy = True
                    return free
                self._cond.wait()

    def _release(self, worker: _Worker) -> None:
        with self._cond:
            worker.busy = False
            self._cond.notify_all()

    def run(self, inputs: list[np.ndarray]) -> tuple[str, list[np.ndarray]]:
        """(device that ran it, outputs)."""
        tried: set[str] = set()
        while True:
            worker = self._acquire(tried)
            try:
                result = worker.request.infer(inputs)
                outputs = [np.array(v, copy=True) for v in result.to_tuple()]
            except Exception as exc:
                if not self.retry_on_failure:
                    raise
                with self._cond:
                    self.failed.setdefault(worker.device, f"{type(exc).__name__}: {exc}")
                    self._cond.notify_all()
                log.warning("device %s failed a request (%s); retrying elsewhere",
                            worker.device, exc)
                tried.add(worker.device)
                continue
            finally:
                self._release(worker)
            with self._cond:
                self.counts[worker.device] = self.counts.get(worker.device, 0) + 1
            return worker.device, outputs
