"""Ordering an ONNX graph's nodes: producers first, only what the wanted outputs need.

ONNX asks for topologically sorted graphs but does not enforce it; this sort also finds values
produced twice, names nobody defines and cycles, and reports them as ConversionErrors.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence

from onnx import AttributeProto, GraphProto, NodeProto

from pyvino._errors import ConversionError

Fail = Callable[[str], ConversionError]


def graph_attrs(node: NodeProto) -> list[GraphProto]:
    """The subgraphs held in ``node``'s attributes."""
    graphs: list[GraphProto] = []
    for attr in node.attribute:
        if attr.type == AttributeProto.GRAPH:
            graphs.append(attr.g)
        elif attr.type == AttributeProto.GRAPHS:
            graphs.extend(attr.graphs)
    return graphs


def free_names(graph: GraphProto) -> set[str]:
    """Names a graph reads from enclosing scopes (its implicit inputs)."""
    defined = {i.name for i in graph.input} | {t.name for t in graph.initializer}
    defined |= {s.values.name for s in graph.sparse_initializer}
    used: set[str] = set()
    for node in graph.node:
        used.update(n for n in node.input if n)
        for sub in graph_attrs(node):
            used |= free_names(sub)
        defined.update(n for n in node.output if n)
    used.update(o.name for o in graph.output)
    return used - defined


def node_label(node: NodeProto, index: int) -> str:
    """How messages name a node: its name, else its first output, else its position."""
    return node.name or next((o for o in node.output if o), f"#{index} {node.op_type}")


def order_nodes(
    nodes: Sequence[NodeProto],
    defined: Callable[[str], bool],
    wanted: Sequence[str] | None,
    fail: Fail,
    local: Callable[[str], bool] | None = None,
) -> list[NodeProto]:
    """``nodes`` (those ``wanted`` needs, or all) producers first; ``defined`` tells which names
    exist before any node runs (inputs, initializers, enclosing scopes), ``local`` which of them
    belong to this graph (a node may not produce those again)."""
    local = local or defined
    producer: dict[str, int] = {}
    for i, node in enumerate(nodes):
        for name in node.output:
            if name and (name in producer or local(name)):
                raise fail(
                    f"value {name!r} is produced twice (by node {node_label(node, i)!r} and "
                    "another node, initializer or input); ONNX values have one producer"
                )
            if name:
                producer[name] = i
    deps: list[set[int]] = []
    for i, node in enumerate(nodes):
        names = [n for n in node.input if n]
        for sub in graph_attrs(node):
            names.extend(sorted(free_names(sub)))
        mine = set()
        for name in names:
            if name in producer:
                mine.add(producer[name])
            elif not defined(name):
                raise fail(
                    f"node {node_label(node, i)!r} ({node.op_type}) reads {name!r}, which no "
                    "node, initializer or graph input defines"
                )
        deps.append(mine)
    keep = _needed(wanted, producer, deps) if wanted is not None else set(range(len(nodes)))
    return [nodes[i] for i in _kahn(nodes, deps, keep, fail)]


def _needed(wanted: Sequence[str], producer: dict[str, int], deps: list[set[int]]) -> set[int]:
    keep: set[int] = set()
    stack = [producer[w] for w in wanted if w in producer]
    while stack:
        i = stack.pop()
        if i not in keep:
            keep.add(i)
            stack.extend(deps[i])
    return keep


def _kahn(
    nodes: Sequence[NodeProto], deps: list[set[int]], keep: set[int], fail: Fail
) -> list[int]:
    """Kahn's algorithm, taking the lowest original index first (stable for sorted graphs)."""
    pending = {i: len(deps[i]) for i in keep}
    users: dict[int, list[int]] = {}
    for i in sorted(keep):
        for d in deps[i]:
            users.setdefault(d, []).append(i)
    ready = [i for i, n in pending.items() if n == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for u in users.get(i, ()):
            pending[u] -= 1
            if pending[u] == 0:
                heapq.heappush(ready, u)
    if len(order) != len(keep):
        stuck = sorted(keep - set(order))
        names = ", ".join(f"{node_label(nodes[i], i)!r} ({nodes[i].op_type})" for i in stuck[:8])
        raise fail(f"the graph has a cycle; nodes that depend on each other: {names}")
    return order
