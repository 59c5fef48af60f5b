"""Find the elementwise regions to fuse into the kernel that produces their input.

For an anchor (a node whose kernel can run an epilogue: conv, matmul, pooling, reductions,
elementwise...), nodes that follow it in topological order join its region while they are
elementwise ops of the same output shape that read a region value, and read nothing computed
from the region outside it. The region kept is the longest prefix with a single exit: only its
last node's value is used outside, so no intermediate ever reaches memory. Diamonds fuse too
(``x * sigmoid(x)``, the erf form of Gelu, bias + activation + residual add). The fused kernel
runs at the position of the region's last node, where every external input is ready.
"""

from __future__ import annotations

from collections.abc import Callable

from pyvino import Op

WINDOW = 24  # how many following nodes to consider per anchor

Key = tuple[int, int]


def consumers_of(ops: list[Op]) -> dict[Key, list[Op]]:
    out: dict[Key, list[Op]] = {}
    for n in ops:
        for inp in n.inputs:
            out.setdefault((id(inp.node), inp.index), []).append(n)
    return out


def _single_exit(members: list[Op], consumers: dict[Key, list[Op]]) -> bool:
    inside = {id(m) for m in members}
    for m in members[:-1]:
        for port in range(m.get_output_size()):
            if any(id(c) not in inside for c in consumers.get((id(m), port), [])):
                return False
    return True


def find_regions(
    ops: list[Op],
    consumers: dict[Key, list[Op]],
    is_anchor: Callable[[Op], bool],
    is_member: Callable[[Op, tuple[int, ...]], bool],
    shape_of: Callable[[Op], tuple[int, ...]],
) -> dict[int, list[Op]]:
    """{id(anchor): fused nodes after it, in order}; nodes of a region never anchor another."""
    regions: dict[int, list[Op]] = {}
    taken: set[int] = set()
    position = {id(n): i for i, n in enumerate(ops)}
    for anchor in ops:
        if id(anchor) in taken or not is_anchor(anchor):
            continue
        if any(consumers.get((id(anchor), p)) for p in range(1, anchor.get_output_size())):
            continue
        shape = shape_of(anchor)
        members = [anchor]
        inside = {id(anchor)}
        tainted: set[int] = set()
        start = position[id(anchor)] + 1
        for node in ops[start:start + WINDOW]:
            sources = {id(i.node) for i in node.inputs}
            if not sources & (inside | tainted):
                continue
            if sources & tainted or id(node) in taken or not is_member(node, shape):
                tainted.add(id(node))
                continue
            members.append(node)
            inside.add(id(node))
        for end in range(len(members), 1, -1):
            if _single_exit(members[:end], consumers):
                regions[id(anchor)] = members[1:end]
                taken.update(id(m) for m in members[:end])
                break
    return regions
