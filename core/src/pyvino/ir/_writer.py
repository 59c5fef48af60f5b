"""IR v11 writer: ``Model`` -> (XML bytes, ``.bin`` bytes) in the layout OpenVINO writes.

Layers: Parameters (model order), the other ops in topological order, Results (model order);
ids count from 0 in that order. Ports are numbered per layer, inputs then outputs. Edges are
sorted by source layer. Constants are written as ``Const`` with ``element_type``, ``shape``,
``offset`` and ``size``; identical byte ranges are stored once. Type names use the serializer's
spellings (``Const``, ``ReLU``, ``SoftMax``, ``PReLU``) and ``version`` is the op's
``version_id``. Formatting is pugixml's: tab indentation, ``<tag attr="v" />``.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET  # building output only; input is parsed with defusedxml
from pathlib import Path

from pyvino._core_ops import Constant, Parameter, Result
from pyvino._errors import PyvinoError
from pyvino._model import Model
from pyvino._node import Op, Output
from pyvino._opset import OpsetRegistry
from pyvino._types import Type
from pyvino.ir import _bin, _rt_info
from pyvino.ir._subgraph import write_structure

IR_TYPE_NAMES = {"Constant": "Const", "Relu": "ReLU", "Softmax": "SoftMax", "PRelu": "PReLU"}


def write_ir(
    model: Model,
    xml_path: str | os.PathLike[str],
    bin_path: str | os.PathLike[str] | None = None,
    compress_to_fp16: bool = True,
    registry: OpsetRegistry | None = None,
) -> None:
    """Save ``model`` as IR v11: ``xml_path`` and ``bin_path`` (default: same name, ``.bin``).

    With ``compress_to_fp16`` f32 weights are stored as f16 plus a decompression ``Convert``
    (see ``pyvino.passes.fp16_compression``); ``model`` itself is not changed. ``registry``
    provides the ``Convert`` op (default: the installed plugins' registry).
    """
    xml, weights = serialize_ir(model, compress_to_fp16, registry)
    xml_file = Path(xml_path)
    bin_file = Path(bin_path) if bin_path is not None else xml_file.with_suffix(".bin")
    try:
        xml_file.parent.mkdir(parents=True, exist_ok=True)
        bin_file.parent.mkdir(parents=True, exist_ok=True)
        xml_file.write_bytes(xml)
        bin_file.write_bytes(weights)
    except OSError as exc:
        raise PyvinoError(f"cannot save the model to {exc.filename}: {exc.strerror}") from None


def serialize_ir(
    model: Model, compress_to_fp16: bool = False, registry: OpsetRegistry | None = None
) -> tuple[bytes, bytes]:
    """The IR v11 ``(xml, bin)`` bytes of ``model`` (which is left unchanged)."""
    if compress_to_fp16:
        from pyvino.passes import fp16_compression

        copy = model.clone()
        if fp16_compression.run(copy, registry):
            model = copy
    return _IRWriter(model).write()


def port_precision(element_type: Type) -> str:
    return "UNSPECIFIED" if element_type is Type.dynamic else element_type.precision


def join_names(names: set[str]) -> str:
    """Sorted tensor names, comma-separated, with commas inside names escaped as ``\\,``."""
    return ",".join(n.replace(",", "\\,") for n in sorted(names))


class _Weights:
    """The ``.bin`` being written; identical blobs share one range."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0
        self.offsets: dict[bytes, int] = {}

    def add(self, blob: bytes) -> tuple[int, int]:
        offset = self.offsets.get(blob)
        if offset is None:
            offset = self.offsets[blob] = self.size
            self.chunks.append(blob)
            self.size += len(blob)
        return offset, len(blob)


class _IRWriter:
    def __init__(self, model: Model, weights: _Weights | None = None) -> None:
        self.model = model
        params = model.get_parameters()
        results = model.get_results()
        middle = [n for n in model.get_ordered_ops() if not isinstance(n, (Parameter, Result))]
        self.nodes: list[Op] = [*params, *middle, *results]
        self.ids = {id(n): i for i, n in enumerate(self.nodes)}
        self.weights = weights if weights is not None else _Weights()

    def write(self) -> tuple[bytes, bytes]:
        net = ET.Element("net", {"name": self.model.friendly_name, "version": "11"})
        self.fill(net)
        ET.indent(net, space="\t")
        text = '<?xml version="1.0"?>\n' + ET.tostring(net, encoding="unicode") + "\n"
        return text.encode("utf-8"), b"".join(self.weights.chunks)

    def fill(self, element: ET.Element) -> dict[int, int]:
        """Append layers, edges and rt_info to ``element``; returns ``id(node) -> layer id``."""
        layers = ET.SubElement(element, "layers")
        for node in self.nodes:
            self._layer(layers, node)
        edges = ET.SubElement(element, "edges")
        for edge in self._edges():
            names = ("from-layer", "from-port", "to-layer", "to-port")
            ET.SubElement(edges, "edge", dict(zip(names, map(str, edge), strict=True)))
        _rt_info.write_model_info(element, self.model.rt_info)
        return self.ids

    def _write_body(self, element: ET.Element, body: Model) -> dict[int, int]:
        return _IRWriter(body, self.weights).fill(element)

    def _layer(self, parent: ET.Element, node: Op) -> None:
        layer = ET.SubElement(
            parent,
            "layer",
            {
                "id": str(self.ids[id(node)]),
                "name": node.friendly_name,
                "type": IR_TYPE_NAMES.get(node.type_name, node.type_name),
                "version": node.version_id,
            },
        )
        if isinstance(node, Result):
            names = node.output(0).names or node.inputs[0].names
            if names:
                layer.set("output_names", join_names(names))
        attrs = node.format_attrs()
        if isinstance(node, Constant):
            attrs["offset"], attrs["size"] = map(str, self._constant_range(node))
        for key in _rt_info.DATA_RT_KEYS:
            if isinstance(node.rt_info.get(key), str):
                attrs[key] = node.rt_info[key]
        if attrs:
            ET.SubElement(layer, "data", attrs)
        _rt_info.write_attributes(layer, node.rt_info)
        port_id = 0
        if node.inputs:
            inputs = ET.SubElement(layer, "input")
            for src in node.inputs:
                self._port(inputs, port_id, src, names=False)
                port_id += 1
        if not isinstance(node, Result) and node.get_output_size():
            outputs = ET.SubElement(layer, "output")
            for out in node.outputs():
                port = self._port(outputs, port_id, out, names=True)
                _rt_info.write_attributes(port, out.rt_info)
                port_id += 1
        if isinstance(getattr(node, "bodies", None), dict):
            write_structure(layer, node, self._write_body)

    @staticmethod
    def _port(parent: ET.Element, port_id: int, out: Output, names: bool) -> ET.Element:
        port = ET.SubElement(
            parent, "port", {"id": str(port_id), "precision": port_precision(out.element_type)}
        )
        if names and out.names:
            port.set("names", join_names(out.names))
        shape = out.partial_shape
        for dim in shape if shape.rank_is_static else ():
            ET.SubElement(port, "dim").text = str(dim.min) if dim.is_static else "-1"
        return port

    def _constant_range(self, node: Constant) -> tuple[int, int]:
        element_type = node.get_output_element_type(0)
        if element_type.bitwidth == 0 and element_type is not Type.string:
            raise PyvinoError(
                f"{node.describe()}: a Const of type {element_type.name} cannot be saved"
            )
        return self.weights.add(_bin.pack(node.data, element_type))

    def _edges(self) -> list[tuple[int, int, int, int]]:
        edges = []
        for node in self.nodes:
            for index, src in enumerate(node.inputs):
                from_port = src.node.get_input_size() + src.index
                edges.append((self.ids[id(src.node)], from_port, self.ids[id(node)], index))
        edges.sort(key=lambda e: e[0])
        return edges
