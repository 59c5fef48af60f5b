"""Plain records of a parsed IR document (no ops yet), and the graph order over them."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any


@dataclass
class PortRecord:
    """One ``<port>`` of a layer: its id, tensor names and rt_info."""

    id: int
    names: list[str] = field(default_factory=list)
    rt_info: dict[str, Any] = field(default_factory=dict)


@dataclass
class LayerRecord:
    """One ``<layer>``, with ``sources[i]`` = (producer layer id, output index) of input ``i``.

    Sub-graph layers (If, Loop, TensorIterator) also carry their ``bodies`` (element name ->
    Graph), ``port_maps`` (element name -> entries: the XML attributes as ints, ``purpose``
    as text, ``tag`` = ``input``/``output``) and ``back_edges`` (body Result id, Parameter id).
    """

    id: int
    name: str
    type: str
    version: str
    position: int
    data: dict[str, str] = field(default_factory=dict)
    rt_info: dict[str, Any] = field(default_factory=dict)
    inputs: list[PortRecord] = field(default_factory=list)
    outputs: list[PortRecord] = field(default_factory=list)
    output_names: list[str] | None = None
    sources: list[tuple[int, int] | None] = field(default_factory=list)
    bodies: dict[str, Graph] = field(default_factory=dict)
    port_maps: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    back_edges: list[tuple[int, int]] = field(default_factory=list)

    def where(self) -> str:
        return f"layer id={self.id} name={self.name!r} (type {self.type})"


@dataclass
class Graph:
    """The layers of a ``<net>`` or a body, by id, and a topological order of their ids."""

    layers: dict[int, LayerRecord]
    order: list[int]


@dataclass
class Network:
    """A parsed ``<net>``: name, IR version, its graph and model rt_info."""

    name: str
    version: int
    graph: Graph
    rt_info: dict[str, Any]


def split_names(text: str) -> list[str]:
    """``names="a,b\\,c"`` -> ``["a", "b,c"]`` (commas inside a name are escaped as ``\\,``)."""
    names, current, i = [], [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] == ",":
            current.append(",")
            i += 2
            continue
        if text[i] == ",":
            names.append("".join(current))
            current = []
        else:
            current.append(text[i])
        i += 1
    names.append("".join(current))
    return [n for n in names if n]


def topological_order(layers: dict[int, LayerRecord]) -> tuple[list[int], int | None]:
    """Kahn's algorithm taking ready layers in file order: (order, None), or
    (partial order, id of a layer on a cycle) when the graph has a cycle."""
    pending = {lid: len({s[0] for s in r.sources if s}) for lid, r in layers.items()}
    consumers: dict[int, set[int]] = {lid: set() for lid in layers}
    for lid, record in layers.items():
        for source in record.sources:
            if source:
                consumers[source[0]].add(lid)
    ready = [(layers[lid].position, lid) for lid, n in pending.items() if n == 0]
    heapq.heapify(ready)
    order: list[int] = []
    while ready:
        _, lid = heapq.heappop(ready)
        order.append(lid)
        for consumer in consumers[lid]:
            pending[consumer] -= 1
            if pending[consumer] == 0:
                heapq.heappush(ready, (layers[consumer].position, consumer))
    if len(order) == len(layers):
        return order, None
    remaining = set(layers) - set(order)
    # every remaining layer waits on a remaining producer: walking producers must loop
    lid = min(remaining, key=lambda i: layers[i].position)
    visited: list[int] = []
    while lid not in visited:
        visited.append(lid)
        lid = next(s[0] for s in layers[lid].sources if s and s[0] in remaining)
    return order, lid
