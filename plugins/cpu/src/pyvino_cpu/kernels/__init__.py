"""Fast CPU kernels. A ``Kernel`` is one node (or fused group) compiled for fixed shapes.

``scratch()`` lists the temporary buffers it needs (planned by the memory plan like any other
tensor, alive only during its step); ``bind(inputs, outputs, scratch, pool)`` returns a
zero-argument callable that computes ``outputs`` in place from ``inputs``, splitting the work
into tiles on ``pool`` (arrays are bound once per request, so a step does no allocation and
little Python). Importing this package imports numba.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from pyvino_cpu._parallel import TaskPool

# The arrays a step is bound to: its inputs, outputs or scratch buffers.
Arrays = list[np.ndarray]
Run = Callable[[], None]


class Kernel:
    """Base class: ``exec_type`` names the implementation in profiling and the runtime model."""

    exec_type: str = "ref_any"

    def scratch(self) -> list[tuple[tuple[int, ...], np.dtype]]:
        """Shapes and dtypes of temporary buffers, in the order ``bind`` receives them."""
        return []

    def bind(self, inputs: Arrays, outputs: Arrays, scratch: Arrays, pool: TaskPool) -> Run:
        raise NotImplementedError


class AfterAnchor(Kernel):
    """An anchor kernel plus work on its output after it (an epilogue, FakeQuantize): the
    scratch buffers and the exec type are the anchor's."""

    def __init__(self, core: Kernel) -> None:
        self.core = core
        self.exec_type = core.exec_type

    def scratch(self) -> list[tuple[tuple[int, ...], np.dtype]]:
        return self.core.scratch()


def in_turn(first: Run, then: Run) -> Run:
    """One step that runs ``first``, then ``then``."""

    def run() -> None:
        first()
        then()

    return run
