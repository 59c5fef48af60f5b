"""Sub-graph layers (If, Loop, TensorIterator): bodies, port maps and back edges in IR.

In IR such a layer holds full nested graphs (``<body>``, or ``<then_body>``/``<else_body>``)
with their own layer ids, a port map per body (``<port_map>``, ``<then_port_map>``,
``<else_port_map>``: ``<input|output external_port_id=".." internal_layer_id=".." .../>``) and,
for loops, ``<back_edges>`` from a body Result to a body Parameter.

The op classes own the mapping to their descriptions (core does not know them):

- reading calls ``cls.from_ir(inputs, attrs, name, bodies, port_map, back_edges)`` with
  ``bodies = {"body": Model, ...}``, ``port_map = {"port_map": [entry, ...], ...}`` where an
  entry is the XML attributes (``tag`` = input/output, ints for ids and slicing, ``purpose``
  as text) with ``internal_layer_id`` replaced by ``internal`` (the body Parameter or Result),
  and ``back_edges = [{"from": Result, "to": Parameter}]``;
- writing calls ``op.to_ir()``, which returns ``{"bodies": ..., "port_maps": ...,
  "back_edges": ...}`` in the same shapes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from pyvino._errors import ModelReadError, PyvinoError
from pyvino._node import Op, Output

if TYPE_CHECKING:
    from pyvino.ir._reader import _ModelBuilder
    from pyvino.ir._records import LayerRecord

_ENTRY_ORDER = (
    "axis",
    "external_port_id",
    "internal_layer_id",
    "start",
    "end",
    "stride",
    "part_size",
    "purpose",
)


def port_map_tag(body_tag: str) -> str:
    """``body`` -> ``port_map``, ``then_body`` -> ``then_port_map``, ..."""
    return body_tag.replace("body", "port_map")


# ------------------------------------------------------------------------------- reading
def build_subgraph_op(
    builder: _ModelBuilder,
    rec: LayerRecord,
    cls: type[Op],
    inputs: list[Output],
    attrs: dict[str, str],
) -> Op:
    """Build the bodies of ``rec`` and the op through ``cls.from_ir``."""
    from_ir = getattr(cls, "from_ir", None)
    if from_ir is None:
        raise builder.error(
            rec, f"{cls.__qualname__} cannot be built from IR sub-graphs (the class has no from_ir)"
        )
    bodies, nodes = {}, {}
    for tag, graph in rec.bodies.items():
        nested = builder.nested(graph, f"{builder.source}: {rec.where()}: <{tag}>")
        bodies[tag] = nested.model(tag)
        nodes[tag] = nested.nodes

    def internal(tag: str, lid: int, what: str) -> Op:
        node = nodes.get(tag, {}).get(lid)
        if node is None:
            raise builder.error(rec, f"{what} refers to layer id {lid}, which is not in <{tag}>")
        return node

    port_map: dict[str, list[dict[str, Any]]] = {}
    for tag, entries in rec.port_maps.items():
        port_map[port_map_tag(tag)] = [
            {
                **{k: v for k, v in e.items() if k != "internal_layer_id"},
                "internal": internal(tag, e["internal_layer_id"], f"{port_map_tag(tag)} entry"),
            }
            for e in entries
        ]
    back_edges = [
        {"from": internal("body", frm, "a back edge"), "to": internal("body", to, "a back edge")}
        for frm, to in rec.back_edges
    ]
    try:
        return from_ir(inputs, attrs, rec.name or None, bodies, port_map, back_edges)
    except ModelReadError:
        raise
    except (PyvinoError, ValueError, TypeError, IndexError, KeyError) as exc:
        raise builder.error(rec, f"cannot create {cls.__qualname__}: {exc}") from None


# ------------------------------------------------------------------------------- writing
def write_structure(
    layer: ET.Element, node: Op, write_body: Callable[[ET.Element, Any], dict[int, int]]
) -> None:
    """Append port maps, back edges and bodies of sub-graph ``node`` to its ``<layer>``.

    ``write_body(element, model)`` fills ``element`` with the body's layers and edges and
    returns ``id(body node) -> layer id``.
    """
    to_ir = getattr(node, "to_ir", None)
    if to_ir is None:
        raise PyvinoError(f"{node.describe()}: a sub-graph op needs to_ir() to be saved as IR")
    structure = to_ir()
    bodies: Mapping[str, Any] = structure["bodies"]
    maps: Mapping[str, list[Mapping[str, Any]]] = structure.get("port_maps", {})
    ids: dict[str, dict[int, int]] = {}
    body_elements = []
    for tag, body in bodies.items():
        element = ET.Element(tag)
        ids[tag] = write_body(element, body)
        body_elements.append(element)
    position = 0
    for tag in bodies:
        port_map = ET.Element(port_map_tag(tag))
        for entry in maps.get(port_map_tag(tag), ()):
            values = {k: v for k, v in entry.items() if k not in ("tag", "internal")}
            values["internal_layer_id"] = ids[tag][id(entry["internal"])]
            ordered = sorted(values, key=lambda k: (_ENTRY_ORDER + (k,)).index(k))
            ET.SubElement(port_map, entry["tag"], {k: str(values[k]) for k in ordered})
        layer.insert(position, port_map)
        position += 1
    if structure.get("back_edges"):
        back = ET.Element("back_edges")
        body_ids = ids[next(iter(bodies))]
        for edge in structure["back_edges"]:
            ends = {"from-layer": edge["from"], "to-layer": edge["to"]}
            ET.SubElement(back, "edge", {k: str(body_ids[id(n)]) for k, n in ends.items()})
        layer.insert(position, back)
    layer.extend(body_elements)
