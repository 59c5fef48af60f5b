"""Device passes: group the live nodes of a model into the steps of the plan.

* LayerNorm written out as ops -> one normalization step;
* an anchor (Convolution, GroupConvolution, MatMul, pooling, MVN, Softmax) followed by
  elementwise nodes (bias Add, Relu/Clamp/Swish/HSwish/Sigmoid/GELU, residual Add, ...) -> the
  anchor's kernel plus an in-place epilogue;
* any other region of elementwise nodes -> one block-program kernel.

A region grows backwards from its last node: a producer joins when all its consumers are in
the region and its output has the region's shape, so the region has a single exit and its
external inputs never depend on it (no cycles). Every other node is a group of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from pyvino import Op, Output, Type

from pyvino_cpu._layernorm import LayerNormMatch, match_layernorm
from pyvino_cpu._program_builder import fusable

ConstOf = Callable[[Output], "np.ndarray | None"]
ANCHORS = ("Convolution", "GroupConvolution", "MatMul", "MaxPool", "AvgPool", "MVN", "Softmax")


@dataclass
class Group:
    """Nodes that become one step; ``members`` in topological order, the last one exits."""

    members: list[Op]
    anchor: Op | None = None
    layernorm: LayerNormMatch | None = None
    epilogue: list[Op] = field(default_factory=list)

    @property
    def last(self) -> Op:
        return self.members[-1]


def _static_f32(node: Op) -> bool:
    return all(
        node.output(i).element_type is Type.f32 and node.output(i).partial_shape.is_static
        for i in range(node.get_output_size())
    )


def anchor_capable(node: Op) -> bool:
    """Nodes whose kernel writes a fresh output an epilogue may then update in place."""
    if node.type_name not in ANCHORS or not _static_f32(node):
        return False
    if any(i.partial_shape.is_dynamic for i in node.inputs):  # static output, dynamic input
        return False
    return node.type_name != "MaxPool" or node.get_output_size() == 1


class Fuser:
    """Builds the groups for ``nodes`` (the live nodes in topological order)."""

    def __init__(
        self,
        nodes: list[Op],
        consumers: dict[int, list[Op]],
        results: set[int],
        const_of: ConstOf,
        forced: set[int] | None = None,
    ) -> None:
        self.nodes = nodes
        self.order = {id(n): i for i, n in enumerate(nodes)}
        self.consumers = consumers
        self.results = results  # ids of nodes read by a Result
        self.const_of = const_of
        self.claimed: dict[int, Group] = {}
        for node in nodes:  # nodes with an extension kernel run alone, as the extension says
            if id(node) in (forced or set()):
                self._claim(Group([node]))

    def groups(self) -> list[Group]:
        for node in self.nodes:
            if node.type_name == "ReduceMean" and id(node) not in self.claimed:
                match = match_layernorm(node, self.consumers, self.const_of)
                if match is not None and self._closed(match.members):
                    self._claim(Group(sorted(match.members, key=self._pos), layernorm=match))
        for node in reversed(self.nodes):
            if id(node) not in self.claimed and fusable(node, self.const_of):
                self._claim(self._region(node))
        for node in self.nodes:
            if id(node) not in self.claimed:
                self._claim(Group([node]))
        unique = {id(g): g for g in self.claimed.values()}
        return sorted(unique.values(), key=lambda g: self._pos(g.last))

    def _pos(self, node: Op) -> int:
        return self.order[id(node)]

    def _claim(self, group: Group) -> None:
        for n in group.members:
            self.claimed[id(n)] = group

    def _closed(self, members: list[Op]) -> bool:
        """Only the last member may be read outside ``members`` (or by a Result)."""
        ids = {id(n) for n in members}
        last = max(members, key=self._pos)
        return all(
            n is last
            or (
                id(n) not in self.results
                and all(id(u) in ids for u in self.consumers.get(id(n), []))
            )
            for n in members
        ) and not any(id(n) in self.claimed for n in members)

    def _joins(self, producer: Op, ids: set[int], shape: tuple[int, ...]) -> bool:
        return (
            id(producer) in self.order
            and id(producer) not in self.claimed
            and id(producer) not in ids
            and id(producer) not in self.results
            and producer.get_output_size() == 1
            and tuple(producer.output(0).shape) == shape
            and all(id(u) in ids for u in self.consumers.get(id(producer), []))
        )

    def _region(self, root: Op) -> Group:
        shape = tuple(root.output(0).shape)
        members, ids, anchor = [root], {id(root)}, None
        changed = True
        while changed:
            changed = False
            for member in list(members):
                for src in member.inputs:
                    p = src.node
                    if not self._joins(p, ids, shape):
                        continue
                    if fusable(p, self.const_of):
                        members.append(p)
                    elif anchor is None and anchor_capable(p):
                        anchor = p
                    else:
                        continue
                    ids.add(id(p))
                    changed = True
        if anchor is not None:  # what the anchor reads can't run in its epilogue
            feeding = _feeding(anchor, ids)
            members = [m for m in members if id(m) not in feeding]
        epilogue = sorted(members, key=self._pos)
        if anchor is None:
            return Group(epilogue)
        return Group([anchor, *epilogue], anchor=anchor, epilogue=epilogue)


def _feeding(anchor: Op, ids: set[int]) -> set[int]:
    """ids of the region members ``anchor`` reads, directly or through other members.

    ``y = relu(...); out = conv(y) + y``: ``relu`` joins the region of ``out`` (both its
    consumers are in it) but must run before the convolution, not in its epilogue. Dropping
    such members keeps the region closed: whatever feeds a dropped member feeds the anchor
    too, so it is dropped as well; they form a region of their own later.
    """
    found: set[int] = set()
    stack = [src.node for src in anchor.inputs]
    while stack:
        node = stack.pop()
        if id(node) in ids and id(node) not in found:
            found.add(id(node))
            stack.extend(src.node for src in node.inputs)
    return found
