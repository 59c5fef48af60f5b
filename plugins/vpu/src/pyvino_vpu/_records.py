"""The runtime graph as code-free records: JSON node records plus one raw data section.

Blob format 2 stores the runtime model this way instead of IR v11: parsing XML and rebuilding
every layer from it was most of a cache hit. A record holds a node's name, type and opset,
its attributes as IR strings, the (node, output) pairs it reads, and the element type, shape,
tensor names and string rt_info of each output; a Constant's record names a byte range of the
data section (raw little-endian values, nothing executed). Reading trusts nothing: every
reference, byte range and declared output type/shape is checked, and any defect raises
``BlobFormatError`` naming the node.
"""

from __future__ import annotations

from math import prod
from typing import Any

import numpy as np
from pyvino import (
    BlobFormatError,
    Constant,
    Model,
    Op,
    OpsetRegistry,
    Output,
    Parameter,
    PyvinoError,
    Result,
    Type,
)

from pyvino_vpu._ops import SUPPORTED_OPS

_ALIGN = 64  # constants start on 64-byte boundaries: numpy reads them in place


def _plain(value: Any) -> Any:
    """rt_info as JSON: strings, numbers, lists and dicts kept; anything else as its str."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def _strings(rt_info: dict[str, Any]) -> dict[str, str]:
    return {k: v for k, v in rt_info.items() if isinstance(k, str) and isinstance(v, str)}


def _port_record(port: Output) -> dict[str, Any]:
    record: dict[str, Any] = {
        "type": port.element_type.name,
        "shape": [int(d) for d in port.partial_shape.to_shape()],
        "names": sorted(port.names),
    }
    if _strings(port.rt_info):
        record["rt_info"] = _strings(port.rt_info)
    return record


class _DataWriter:
    """Collects constant values into one aligned little-endian byte string."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0

    def add(self, value: np.ndarray) -> list[int]:
        raw = np.ascontiguousarray(value, dtype=value.dtype.newbyteorder("<")).tobytes()
        pad = -self.size % _ALIGN
        self.chunks.append(b"\0" * pad + raw)
        self.size += pad + len(raw)
        return [self.size - len(raw), len(raw)]


def graph_records(model: Model) -> tuple[dict[str, Any], bytes]:
    """(JSON-able graph record, data section) of a static-shaped runtime model."""
    nodes = model.get_ordered_ops()
    index = {id(node): i for i, node in enumerate(nodes)}
    data = _DataWriter()
    records = []
    for node in nodes:
        record: dict[str, Any] = {
            "name": node.friendly_name,
            "type": node.type_name,
            "version": node.version_id,
            "attrs": node.format_attrs(),
            "inputs": [[index[id(src.node)], src.index] for src in node.inputs],
            "outputs": [_port_record(node.output(i)) for i in range(node.get_output_size())],
        }
        if isinstance(node, Constant):
            record["data"] = data.add(node.data)
        if _strings(node.rt_info):
            record["rt_info"] = _strings(node.rt_info)
        records.append(record)
    graph = {
        "name": model.friendly_name,
        "rt_info": _plain(model.rt_info),
        "parameters": [index[id(p)] for p in model.get_parameters()],
        "results": [index[id(r)] for r in model.get_results()],
        "nodes": records,
    }
    return graph, b"".join(data.chunks)


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BlobFormatError(f"VPU blob graph: {what} is {value!r}, not an integer")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise BlobFormatError(f"VPU blob graph: {what} is {type(value).__name__}, not a list")
    return value


class _GraphReader:
    """Builds the runtime model from its records, checking each against the data section."""

    def __init__(self, data: bytes, registry: OpsetRegistry) -> None:
        self.data = data
        self.registry = registry
        self.nodes: list[Op] = []

    def fail(self, where: str, message: str) -> BlobFormatError:
        return BlobFormatError(f"VPU blob graph: node {where}: {message}")

    def node(self, position: int, record: Any) -> Op:
        if not isinstance(record, dict):
            raise self.fail(f"#{position}", "its record is not a JSON object")
        name = record.get("name")
        kind = record.get("type")
        where = f"#{position} {name!r} ({kind})"
        if not isinstance(name, str) or kind not in SUPPORTED_OPS:
            raise self.fail(where, "has no name or a type that is not on the VPU op list")
        attrs = record.get("attrs", {})
        if not isinstance(attrs, dict) or not all(isinstance(v, str) for v in attrs.values()):
            raise self.fail(where, "attributes must be a JSON object of strings")
        try:
            cls = self.registry.lookup(kind, str(record.get("version")))
            if issubclass(cls, Constant):
                node: Op = self._constant(where, record, attrs)
            elif issubclass(cls, Parameter):
                node = cls(attrs=attrs, name=name)
            else:
                node = cls(self._inputs(where, record), attrs, name)
        except BlobFormatError:
            raise
        except (PyvinoError, ValueError, TypeError, KeyError, IndexError) as exc:
            raise self.fail(where, f"cannot be built: {type(exc).__name__}: {exc}") from None
        node.friendly_name = name
        self._outputs(where, node, _list(record.get("outputs"), f"{where} outputs"))
        node.rt_info.update(_strings(record.get("rt_info") or {}))
        return node

    def _inputs(self, where: str, record: dict[str, Any]) -> list[Output]:
        inputs = []
        for port, ref in enumerate(_list(record.get("inputs"), f"{where} inputs")):
            ref = _list(ref, f"{where} input {port}")
            if len(ref) != 2:
                raise self.fail(where, f"input {port} is not a [node, output] pair")
            src, index = (_int(v, f"{where} input {port}") for v in ref)
            if not 0 <= src < len(self.nodes):
                raise self.fail(where, f"input {port} reads node #{src}, not an earlier node")
            producer = self.nodes[src]
            if not 0 <= index < producer.get_output_size():
                raise self.fail(
                    where,
                    f"input {port} reads output {index} of "
                    f"{producer.friendly_name!r}, which has "
                    f"{producer.get_output_size()} output(s)",
                )
            inputs.append(producer.output(index))
        return inputs

    def _constant(self, where: str, record: dict[str, Any], attrs: dict[str, str]) -> Constant:
        element_type = Type.get(attrs.get("element_type", ""))
        dtype = np.dtype(element_type.dtype)
        if element_type.bitwidth != dtype.itemsize * 8 and element_type is not Type.boolean:
            raise self.fail(
                where, f"element type {element_type.name} is not stored one value per numpy element"
            )
        outputs = _list(record.get("outputs"), f"{where} outputs")
        if len(outputs) != 1 or not isinstance(outputs[0], dict):
            raise self.fail(where, "a Constant has exactly one output record")
        shape = [_int(d, f"{where} shape") for d in _list(outputs[0].get("shape"), where)]
        span = _list(record.get("data"), f"{where} data")
        if len(span) != 2:
            raise self.fail(where, "data must be [offset, length]")
        offset, length = (_int(v, f"{where} data") for v in span)
        if min(shape, default=0) < 0:
            raise self.fail(where, f"shape {shape} has a negative dimension")
        if offset < 0 or length < 0 or offset + length > len(self.data):
            raise self.fail(
                where,
                f"data bytes {offset}..{offset + length} lie outside the "
                f"data section ({len(self.data)} bytes)",
            )
        expected = prod(shape) * dtype.itemsize
        if length != expected:
            raise self.fail(
                where, f"holds {length} bytes, but {element_type.name}{shape} needs {expected}"
            )
        value = np.frombuffer(self.data, dtype.newbyteorder("<"), prod(shape), offset)
        return Constant(value.reshape(shape), element_type, record["name"])

    def _outputs(self, where: str, node: Op, outputs: list[Any]) -> None:
        """Check the declared outputs against the built node; set tensor names and rt_info."""
        if len(outputs) != node.get_output_size():
            raise self.fail(
                where, f"declares {len(outputs)} output(s), the node has {node.get_output_size()}"
            )
        for i, declared in enumerate(outputs):
            port = node.output(i)
            actual = {
                "type": port.element_type.name,
                "shape": [int(d) for d in port.partial_shape.to_shape()],
            }
            if not isinstance(declared, dict) or any(
                declared.get(k) != v for k, v in actual.items()
            ):
                got = (
                    {k: declared.get(k) for k in actual}
                    if isinstance(declared, dict)
                    else (declared)
                )
                raise self.fail(where, f"output {i} is declared {got} but is {actual}")
            names = _list(declared.get("names", []), f"{where} output {i} names")
            port.set_names([str(n) for n in names])
            port.rt_info.update(_strings(declared.get("rt_info") or {}))


def read_graph(graph: Any, data: bytes, registry: OpsetRegistry) -> Model:
    """The runtime model from ``graph_records`` output; raises BlobFormatError if malformed."""
    if not isinstance(graph, dict):
        raise BlobFormatError("VPU blob graph: not a JSON object")
    reader = _GraphReader(data, registry)
    for position, record in enumerate(_list(graph.get("nodes"), "nodes")):
        reader.nodes.append(reader.node(position, record))

    def pick(key: str, cls: type) -> list[Any]:
        picked = []
        for ref in _list(graph.get(key), key):
            k = _int(ref, key)
            if not 0 <= k < len(reader.nodes) or not isinstance(reader.nodes[k], cls):
                raise BlobFormatError(f"VPU blob graph: {key} entry {k} is not a {cls.__name__}")
            picked.append(reader.nodes[k])
        return picked

    try:
        model = Model(
            pick("results", Result), pick("parameters", Parameter), str(graph.get("name", ""))
        )
    except PyvinoError as exc:
        if isinstance(exc, BlobFormatError):
            raise
        raise BlobFormatError(f"VPU blob graph does not form a model: {exc}") from None
    if isinstance(graph.get("rt_info"), dict):
        model.rt_info.update(graph["rt_info"])
    return model
