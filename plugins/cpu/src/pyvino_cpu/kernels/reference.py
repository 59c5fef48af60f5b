"""The fallback: a node's reference ``evaluate`` (or an extension's kernel) inside the plan."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pyvino_cpu.kernels import Arrays, Kernel


class Reference(Kernel):
    """Calls ``fn(*inputs)``; outputs go to planned buffers (copied) or to dynamic slots."""

    def __init__(self, fn: Callable[..., Any], exec_type: str = "ref_any") -> None:
        self.fn = fn
        self.exec_type = exec_type

    def bind(self, inputs: Arrays, outputs: Arrays, scratch: Arrays, pool: Any) -> Any:
        raise TypeError("reference steps run through the plan's slot table, not bound arrays")
