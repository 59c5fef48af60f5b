"""Device-memory plan: activation buffers placed in one arena by their lifetimes.

Each activation tensor lives from the step that writes it to the last step that reads it
(inputs from before the first step, outputs until after the last). Views (Reshape, Squeeze,
...) share their source's buffer and extend its lifetime. Buffers are placed greedily, largest
first, at the lowest 64-byte-aligned offset that does not overlap any buffer alive at the same
time (the strategy of OpenVINO's memory solver); the arena is the highest end offset.
"""

from __future__ import annotations

from dataclasses import dataclass

ALIGNMENT = 64


@dataclass(frozen=True)
class Buffer:
    """One activation buffer: its slot, size in bytes, first and last step it is alive."""

    slot: int
    size: int
    first: int
    last: int

    def overlaps(self, other: Buffer) -> bool:
        return self.first <= other.last and other.first <= self.last


def _aligned(size: int) -> int:
    return (size + ALIGNMENT - 1) // ALIGNMENT * ALIGNMENT


def place_buffers(buffers: list[Buffer]) -> tuple[dict[int, int], int]:
    """(slot -> offset, arena size in bytes) with no two live buffers overlapping in memory."""
    offsets: dict[int, int] = {}
    placed: list[tuple[int, int, Buffer]] = []  # (offset, end, buffer)
    for buf in sorted(buffers, key=lambda b: (-b.size, b.first, b.slot)):
        taken = sorted((start, end) for start, end, other in placed if other.overlaps(buf))
        offset = 0
        for start, end in taken:
            if offset + _aligned(buf.size) <= start:
                break
            offset = max(offset, end)
        offsets[buf.slot] = offset
        placed.append((offset, offset + _aligned(buf.size), buf))
    arena = max((end for _, end, _ in placed), default=0)
    return offsets, arena


def peak_live_bytes(buffers: list[Buffer]) -> int:
    """The largest total size of buffers alive at the same step (a lower bound of the arena)."""
    events: dict[int, int] = {}
    for buf in buffers:
        events[buf.first] = events.get(buf.first, 0) + buf.size
        events[buf.last + 1] = events.get(buf.last + 1, 0) - buf.size
    live = peak = 0
    for step in sorted(events):
        live += events[step]
        peak = max(peak, live)
    return peak


def check_placement(buffers: list[Buffer], offsets: dict[int, int]) -> None:
    """Raise AssertionError if two buffers alive together overlap in memory (for tests)."""
    for i, a in enumerate(buffers):
        for b in buffers[i + 1:]:
            if a.overlaps(b):
                a0, b0 = offsets[a.slot], offsets[b.slot]
                assert a0 + a.size <= b0 or b0 + b.size <= a0, (a, b, a0, b0)
