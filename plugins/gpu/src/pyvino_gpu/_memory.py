"""Buffer plan: map the activations' logical buffers onto few device buffers by lifetime.

Each logical buffer is live from the step that writes it first to the step that reads it last
(model inputs from before step 0, model outputs to the end). Walking the steps in order, a
buffer takes the smallest free device buffer that is large enough, or grows the largest free
one, or opens a new one (best fit). Views (Reshape, Squeeze, Unsqueeze) are not buffers of their
own: they share their source's logical buffer, whose lifetime covers theirs.
"""

from __future__ import annotations

from dataclasses import dataclass

ALIGN = 256  # bytes; keeps every device buffer aligned for vector loads


@dataclass(frozen=True)
class Lifetime:
    """A logical buffer: ``nbytes`` live from step ``first`` to step ``last`` inclusive."""

    buffer: int
    nbytes: int
    first: int
    last: int


def _round(n: int) -> int:
    return max(ALIGN, (n + ALIGN - 1) // ALIGN * ALIGN)


def plan_buffers(lifetimes: list[Lifetime]) -> tuple[dict[int, int], list[int]]:
    """(logical buffer -> device buffer slot, slot sizes in bytes)."""
    slots: list[int] = []
    assign: dict[int, int] = {}
    free: list[int] = []
    releases: dict[int, list[int]] = {}
    order = sorted(lifetimes, key=lambda t: (t.first, t.buffer))
    for t in order:
        # Release every buffer whose last use is before this one's first write.
        for step in sorted(s for s in releases if s < t.first):
            free.extend(releases.pop(step))
        need = _round(t.nbytes)
        fitting = [s for s in free if slots[s] >= need]
        if fitting:
            slot = min(fitting, key=lambda s: slots[s])
        elif free:
            slot = max(free, key=lambda s: slots[s])
            slots[slot] = need
        else:
            slot = len(slots)
            slots.append(need)
        if slot in free:
            free.remove(slot)
        assign[t.buffer] = slot
        releases.setdefault(t.last, []).append(slot)
    return assign, slots


def total_bytes(lifetimes: list[Lifetime]) -> int:
    """What the activations would take without reuse (for reports and tests)."""
    return sum(_round(t.nbytes) for t in lifetimes)
