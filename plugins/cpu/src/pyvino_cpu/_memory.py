"""The memory plan: every planned tensor gets an offset in one arena per request.

Tensors whose lifetimes (first and last step, inclusive) overlap never share bytes; others
reuse the same bytes. Placement is greedy by size, largest first, at the lowest offset that
fits between the already placed tensors alive at the same time (the usual "greedy by size"
offset assignment, close to optimal for inference graphs).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ALIGN = 64  # bytes: cache line, and what BLAS and SIMD loads like


@dataclass(frozen=True)
class Buffer:
    """One tensor to place: ``size`` bytes alive from step ``first`` to step ``last``."""

    key: int
    size: int
    first: int
    last: int


def fits_arena(dtype: np.dtype) -> bool:
    """Whether values of ``dtype`` can live in the uint8 arena as a typed view.

    Object arrays (string tensors) hold references, and a zero-size flexible dtype has no
    fixed width: such values keep their own per-request storage instead.
    """
    return not dtype.hasobject and dtype.itemsize > 0


def _round(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


def plan_offsets(buffers: list[Buffer]) -> tuple[dict[int, int], int]:
    """(offset of each buffer key, arena size in bytes)."""
    placed: list[tuple[int, int, Buffer]] = []  # (offset, end, buffer)
    offsets: dict[int, int] = {}
    total = 0
    for buf in sorted(buffers, key=lambda b: (-b.size, b.first, b.key)):
        size = _round(max(buf.size, 1))
        busy = sorted((o, e) for o, e, b in placed if b.first <= buf.last and buf.first <= b.last)
        offset = 0
        for start, end in busy:
            if offset + size <= start:
                break
            offset = max(offset, end)
        offsets[buf.key] = offset
        placed.append((offset, offset + size, buf))
        total = max(total, offset + size)
    return offsets, total


def arena_views(
    arena: np.ndarray, layout: dict[int, tuple[int, tuple[int, ...], np.dtype]]
) -> dict[int, np.ndarray]:
    """Typed, shaped views of ``arena`` (uint8) for ``{key: (offset, shape, dtype)}``."""
    views = {}
    for key, (offset, shape, dtype) in layout.items():
        nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        views[key] = arena[offset : offset + nbytes].view(dtype).reshape(shape)
    return views
