"""The fallback: a node's reference ``evaluate`` (or an extension's kernel) inside the plan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from pyvino_cpu.kernels import Kernel


class Reference(Kernel):
    """Calls ``fn(*inputs)``; outputs go to planned buffers (copied) or to dynamic slots."""

    def __init__(self, fn: Callable[..., Any], exec_type: str = "ref_any") -> None:
        self.fn = fn
        self.exec_type = exec_type

    def bind(
        self,
        inputs: list[np.ndarray],
        outputs: list[np.ndarray],
        scratch: list[np.ndarray],
        pool: Any,
    ) -> Any:
        raise TypeError("reference steps run through the plan's slot table, not bound arrays")
