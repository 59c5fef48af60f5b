"""IR v10/v11 reader: validated layer records (``_parse``) -> ops from the registry -> ``Model``.

Ops are created through their classes only (attributes parsed by the ``Op`` base, shapes
re-inferred by ``infer``); the port ``<dim>``s and precisions in the XML are ignored, as
OpenVINO does. Constant bytes are read only inside ``[offset, offset + size)`` of the weights
buffer after checking that range. Parameters and Results keep their order in the file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pyvino._attrs import INTS, AttrValueError
from pyvino._core_ops import Constant, Parameter, Result
from pyvino._errors import ModelReadError, PyvinoError
from pyvino._model import Model
from pyvino._node import Op, Output
from pyvino._opset import OpsetRegistry
from pyvino._types import Type
from pyvino.ir import _bin
from pyvino.ir._parse import NetParser
from pyvino.ir._records import Graph, LayerRecord
from pyvino.ir._rt_info import DATA_RT_KEYS
from pyvino.ir._subgraph import build_subgraph_op

_CONST_KEYS = ("element_type", "shape", "offset", "size")
_BUILD_ERRORS = (PyvinoError, ValueError, TypeError, IndexError, KeyError, ZeroDivisionError)


def default_registry() -> OpsetRegistry:
    """The registry of the installed plugins (used when none is passed)."""
    from pyvino._plugins import default_manager

    return default_manager().registry


def read_ir(
    xml_path: str | os.PathLike[str],
    bin_path: str | os.PathLike[str] | None = None,
    registry: OpsetRegistry | None = None,
) -> Model:
    """Read ``model.xml`` and its weights (``bin_path`` or ``model.bin`` beside the XML)."""
    xml_file = Path(xml_path)
    try:
        xml = xml_file.read_bytes()
    except OSError as exc:
        raise ModelReadError(f"{xml_file}: cannot read the model file: {exc.strerror}") from None
    bin_file = Path(bin_path) if bin_path is not None else xml_file.with_suffix(".bin")
    weights: bytes | None = None
    if bin_file.is_file():
        try:
            weights = bin_file.read_bytes()
        except OSError as exc:
            raise ModelReadError(f"{bin_file}: cannot read the weights: {exc.strerror}") from None
    elif bin_path is not None:
        raise ModelReadError(f"{xml_file}: the weights file {bin_file} does not exist")
    return read_ir_bytes(xml, weights, registry, source=str(xml_file), bin_name=str(bin_file))


def read_ir_bytes(
    xml: bytes | str,
    weights: Any = None,
    registry: OpsetRegistry | None = None,
    source: str = "<memory>",
    bin_name: str | None = None,
) -> Model:
    """Read IR from memory: XML text and the weights (bytes or any byte buffer, or None)."""
    net = NetParser(source).parse(xml)
    try:
        buffer = None if weights is None else memoryview(weights).cast("B")
    except TypeError as exc:
        raise ModelReadError(f"{source}: the weights must be a byte buffer: {exc}") from None
    if buffer is not None and not buffer.readonly:
        buffer = memoryview(
            bytes(buffer)
        )  # constants must not alias a buffer the caller may change
    builder = _ModelBuilder(
        net.graph, buffer, registry or default_registry(), source, bin_name or "the weights (.bin)"
    )
    model = builder.model(net.name)
    model.rt_info = net.rt_info
    return model


class _ModelBuilder:
    """Creates the ops of one graph (the model, or a sub-graph body) in topological order."""

    def __init__(
        self,
        graph: Graph,
        weights: memoryview | None,
        registry: OpsetRegistry,
        source: str,
        bin_name: str,
    ) -> None:
        self.graph = graph
        self.weights = weights
        self.registry = registry
        self.source = source
        self.bin_name = bin_name
        self.nodes: dict[int, Op] = {}

    def error(self, layer: LayerRecord, message: str) -> ModelReadError:
        return ModelReadError(f"{self.source}: {layer.where()}: {message}")

    def nested(self, graph: Graph, source: str) -> _ModelBuilder:
        """A builder for a sub-graph body (same weights and registry)."""
        return _ModelBuilder(graph, self.weights, self.registry, source, self.bin_name)

    def model(self, name: str) -> Model:
        for lid in self.graph.order:
            self.nodes[lid] = self._node(self.graph.layers[lid])
        in_file_order = sorted(self.graph.layers.values(), key=lambda r: r.position)
        nodes = [self.nodes[r.id] for r in in_file_order]
        params = [n for n in nodes if isinstance(n, Parameter)]
        results = [n for n in nodes if isinstance(n, Result)]
        if not results:
            raise ModelReadError(f"{self.source}: the model has no Result layer")
        try:
            return Model(results, params, name)
        except PyvinoError as exc:
            raise ModelReadError(f"{self.source}: {exc}") from None

    # ------------------------------------------------------------------------- one layer
    def _node(self, rec: LayerRecord) -> Op:
        try:
            cls = self.registry.lookup(rec.type, rec.version)
        except PyvinoError as exc:
            raise self.error(rec, str(exc)) from None
        attrs = {k: v for k, v in rec.data.items() if k not in DATA_RT_KEYS}
        inputs = []
        for i, source in enumerate(rec.sources):
            assert source is not None  # checked by the parser
            src, index = source
            producer = self.nodes[src]
            if index >= producer.get_output_size():
                raise self.error(
                    rec,
                    f"input {i} reads output {index} of layer id={src}, "
                    f"which has {producer.get_output_size()} output(s)",
                )
            inputs.append(Output(producer, index))
        try:
            if rec.bodies:
                node: Op = build_subgraph_op(self, rec, cls, inputs, attrs)
            elif issubclass(cls, Constant):
                node = self._constant(rec, attrs)
            elif issubclass(cls, Parameter):
                node = cls(attrs=attrs, name=rec.name or None)
            else:
                node = cls(inputs, attrs, rec.name or None)
        except ModelReadError:
            raise
        except _BUILD_ERRORS as exc:
            raise self.error(rec, f"cannot create {cls.type_name}: {exc}") from None
        if len(rec.outputs) > node.get_output_size():
            raise self.error(
                rec,
                f"the layer declares {len(rec.outputs)} output ports but "
                f"{cls.type_name} has {node.get_output_size()} output(s)",
            )
        self._annotate(rec, node)
        return node

    def _annotate(self, rec: LayerRecord, node: Op) -> None:
        """Tensor names and rt_info from the XML onto the node and its outputs."""
        node.rt_info.update(rec.rt_info)
        node.rt_info.update({k: v for k, v in rec.data.items() if k in DATA_RT_KEYS})
        for i, port in enumerate(rec.outputs):
            node.output(i).set_names(port.names)
            node.output(i).rt_info.update(port.rt_info)
        if isinstance(node, Result) and rec.output_names:
            node.output(0).set_names(rec.output_names)
            node.inputs[0].add_names(rec.output_names)

    def _constant(self, rec: LayerRecord, attrs: dict[str, str]) -> Constant:
        unknown = sorted(set(attrs) - set(_CONST_KEYS))
        missing = [k for k in _CONST_KEYS if k not in attrs]
        if unknown or missing:
            problem = (
                f"unknown attribute(s) {', '.join(unknown)}"
                if unknown
                else f"missing attribute(s) {', '.join(missing)}"
            )
            raise self.error(rec, f"Const: {problem}; expected {', '.join(_CONST_KEYS)}")
        try:
            element_type = Type.get(attrs["element_type"])
            shape = INTS.parse(attrs["shape"])
        except (PyvinoError, AttrValueError) as exc:
            raise self.error(rec, f"Const: {exc}") from None
        if element_type.bitwidth == 0 and element_type is not Type.string:
            raise self.error(rec, f"Const: element type {element_type.name} cannot hold data")
        if any(d < 0 for d in shape):
            raise self.error(rec, f"Const: shape {attrs['shape']!r} has a negative dimension")
        offset, size = (self._nonnegative(rec, attrs, k) for k in ("offset", "size"))
        if self.weights is None:
            raise self.error(
                rec,
                f"Const needs weights but {self.bin_name} was not found "
                "(can not open the weights file)",
            )
        if offset + size > len(self.weights):
            raise self.error(
                rec,
                f"Incorrect weights in bin file: Const bytes [{offset}, "
                f"{offset + size}) lie beyond the end of {self.bin_name} "
                f"({len(self.weights)} bytes)",
            )
        count = 1
        for d in shape:
            count *= d
        if element_type is not Type.string:
            expected = _bin.byte_size(element_type, count)
            if size != expected:
                raise self.error(
                    rec,
                    f"Attribute and shape size are inconsistent for Const: "
                    f"size={size} but shape [{attrs['shape']}] of "
                    f"{element_type.name} takes {expected} bytes",
                )
        try:
            value = _bin.unpack(self.weights[offset : offset + size], element_type, shape)
        except _bin.BinFormatError as exc:
            raise self.error(rec, f"Const data: {exc}") from None
        return Constant(value, element_type, rec.name or None)

    def _nonnegative(self, rec: LayerRecord, attrs: dict[str, str], key: str) -> int:
        try:
            value = int(attrs[key])
        except ValueError:
            value = -1
        if value < 0:
            raise self.error(rec, f"Const: {key}={attrs[key]!r} is not a non-negative integer")
        return value
