"""IR XML -> validated layer records: structure, ids, versions, ports, edges and acyclicity.

Nothing here creates ops; ``_reader`` turns the records into a ``Model``. Parsing uses
defusedxml with DTDs, entities and external references forbidden.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import defusedxml
import defusedxml.ElementTree as SafeET

from pyvino._errors import ModelReadError
from pyvino.ir import _rt_info
from pyvino.ir._records import (
    Graph,
    LayerRecord,
    Network,
    PortRecord,
    split_names,
    topological_order,
)

SUPPORTED_VERSIONS = ("10", "11")
BODY_TAGS = ("body", "then_body", "else_body")
_PORT_MAP_INTS = (
    "external_port_id",
    "internal_layer_id",
    "axis",
    "start",
    "end",
    "stride",
    "part_size",
)


class NetParser:
    """Parses one IR document; every error names ``source`` and the layer involved."""

    def __init__(self, source: str) -> None:
        self.source = source

    def error(self, message: str, layer: LayerRecord | None = None) -> ModelReadError:
        where = f"{layer.where()}: " if layer is not None else ""
        return ModelReadError(f"{self.source}: {where}{message}")

    def parse(self, xml: bytes | str) -> Network:
        root = self._document(xml)
        if root.tag != "net":
            raise self.error(f"the root element is <{root.tag}>, expected <net>")
        version = root.get("version")
        if version not in SUPPORTED_VERSIONS:
            raise self.error(f"IR version {version!r} is not supported; expected 10 or 11")
        graph = self.graph(root)
        info = _rt_info.read_model_info(root.find("rt_info"))
        return Network(root.get("name", "Model"), int(version), graph, info)

    def graph(self, element: ET.Element) -> Graph:
        """The ``<layers>`` and ``<edges>`` of ``element`` (a ``<net>`` or a body), validated."""
        layers_node = element.find("layers")
        if layers_node is None:
            raise self.error("no <layers> element")
        layers: dict[int, LayerRecord] = {}
        for position, node in enumerate(layers_node.findall("layer")):
            record = self._layer(node, position)
            if record.id in layers:
                raise self.error(
                    f"duplicate layer id {record.id} (also used by layer "
                    f"{layers[record.id].name!r})",
                    record,
                )
            layers[record.id] = record
        self._edges(element.find("edges"), layers)
        order, on_cycle = topological_order(layers)
        if on_cycle is not None:
            raise self.error("the graph has a cycle through this layer", layers[on_cycle])
        return Graph(layers, order)

    # ------------------------------------------------------------------------- document
    def _document(self, xml: bytes | str) -> ET.Element:
        try:
            return SafeET.fromstring(
                xml, forbid_dtd=True, forbid_entities=True, forbid_external=True
            )
        except defusedxml.DefusedXmlException as exc:
            raise self.error(
                f"XML with a DTD, entity declarations or external references is not accepted "
                f"({type(exc).__name__})"
            ) from None
        except ET.ParseError as exc:
            raise self.error(f"not well-formed XML: {exc}") from None

    def _int(self, node: ET.Element, attr: str, what: str, layer: LayerRecord | None) -> int:
        text = node.get(attr)
        if text is None:
            raise self.error(f"{what} is missing mandatory attribute {attr!r}", layer)
        try:
            value = int(text)
        except ValueError:
            value = -1
        if value < 0:
            raise self.error(
                f"{what}: attribute {attr}={text!r} is not a non-negative integer", layer
            )
        return value

    # ------------------------------------------------------------------------- layers
    def _layer(self, node: ET.Element, position: int) -> LayerRecord:
        name = node.get("name", "")
        probe = LayerRecord(-1, name, node.get("type", "?"), "", position)
        probe.id = self._int(node, "id", "a <layer>", probe)
        for attr in ("type", "version"):
            if node.get(attr) is None:
                raise self.error(f"the layer is missing mandatory attribute {attr!r}", probe)
        record = LayerRecord(
            probe.id, name, node.get("type", ""), node.get("version", ""), position
        )
        self._structure(node, record)
        data = node.find("data")
        record.data = dict(data.attrib) if data is not None else {}
        record.rt_info = _rt_info.read_attributes(node.find("rt_info"))
        if node.get("output_names") is not None:
            record.output_names = split_names(node.get("output_names", ""))
        seen: set[int] = set()
        for group, ports in (("input", record.inputs), ("output", record.outputs)):
            container = node.find(group)
            for port in container.findall("port") if container is not None else []:
                pid = self._int(port, "id", f"an <{group}> port", record)
                if pid in seen:
                    raise self.error(f"port id {pid} is used twice", record)
                seen.add(pid)
                ports.append(
                    PortRecord(
                        pid,
                        split_names(port.get("names", "")),
                        _rt_info.read_attributes(port.find("rt_info")),
                    )
                )
        record.sources = [None] * len(record.inputs)
        return record

    # ------------------------------------------------------------------------- edges
    def _edges(self, edges: ET.Element | None, layers: dict[int, LayerRecord]) -> None:
        for edge in edges.findall("edge") if edges is not None else []:
            ends = {
                a: self._int(edge, a, "an <edge>", None)
                for a in ("from-layer", "from-port", "to-layer", "to-port")
            }
            text = "edge {from-layer}:{from-port} -> {to-layer}:{to-port}".format(**ends)
            src, dst = layers.get(ends["from-layer"]), layers.get(ends["to-layer"])
            if src is None or dst is None:
                missing = ends["from-layer"] if src is None else ends["to-layer"]
                known = dst if src is None else src
                raise self.error(
                    f"{text} refers to layer id {missing}, which does not exist", known
                )
            out_ids = [p.id for p in src.outputs]
            in_ids = [p.id for p in dst.inputs]
            if ends["from-port"] not in out_ids:
                raise self.error(
                    f"{text}: can not find output port with id {ends['from-port']}"
                    f" (output ports: {out_ids})",
                    src,
                )
            if ends["to-port"] not in in_ids:
                raise self.error(
                    f"{text}: can not find input port with id {ends['to-port']}"
                    f" (input ports: {in_ids})",
                    dst,
                )
            index = in_ids.index(ends["to-port"])
            if dst.sources[index] is not None:
                raise self.error(f"{text}: input port {ends['to-port']} already has an edge", dst)
            dst.sources[index] = (src.id, out_ids.index(ends["from-port"]))
        for record in layers.values():
            for port, source in zip(record.inputs, record.sources, strict=True):
                if source is None:
                    raise self.error(f"input port {port.id} has no incoming edge", record)

    # ------------------------------------------------------------------------- sub-graphs
    def _structure(self, node: ET.Element, record: LayerRecord) -> None:
        """Bodies, port maps and back edges of an If / Loop / TensorIterator layer."""
        for tag in BODY_TAGS:
            body = node.find(tag)
            if body is not None:
                nested = NetParser(f"{self.source}: {record.where()}: <{tag}>")
                record.bodies[tag] = nested.graph(body)
                record.port_maps[tag] = self._port_map(
                    node.find(tag.replace("body", "port_map")), record
                )
        back_edges = node.find("back_edges")
        for edge in back_edges.findall("edge") if back_edges is not None else []:
            pair = (
                self._int(edge, "from-layer", "a back edge", record),
                self._int(edge, "to-layer", "a back edge", record),
            )
            record.back_edges.append(pair)

    def _port_map(self, node: ET.Element | None, record: LayerRecord) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = []
        for child in node if node is not None else []:
            if child.tag not in ("input", "output"):
                continue
            entry: dict[str, Any] = {"tag": child.tag}
            for key, text in child.attrib.items():
                if key in _PORT_MAP_INTS:
                    try:
                        entry[key] = int(text)
                    except ValueError:
                        raise self.error(
                            f"port map {key}={text!r} is not an integer", record
                        ) from None
                else:
                    entry[key] = text
            if "internal_layer_id" not in entry or "external_port_id" not in entry:
                raise self.error(
                    "a port map entry needs external_port_id and internal_layer_id", record
                )
            entries.append(entry)
        return entries
