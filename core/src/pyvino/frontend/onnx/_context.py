"""NodeContext: what a converter sees of one ONNX node (inputs, attributes, the opset builder)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from onnx import NodeProto

from pyvino._core_ops import Constant
from pyvino._errors import ConversionError
from pyvino._node import Output
from pyvino._opset import OpsetBuilder
from pyvino._shape import PartialShape
from pyvino._types import Type
from pyvino.frontend.onnx._types import UnsupportedTypeError, attribute_value

if TYPE_CHECKING:
    from pyvino.frontend.onnx._graph import GraphConverter, Subgraph

_REQUIRED: Any = object()


@dataclass
class SequenceValue:
    """An ONNX sequence known at conversion time: its tensors (OpenVINO IR has no sequences)."""

    items: list[Output] = field(default_factory=list)
    element_type: Type | None = None


class NodeContext:
    """One ONNX node during conversion, handed to its converter.

    ``ctx.input(i)`` is the graph Output feeding input ``i`` (an error if absent);
    ``ctx.optional_input(i)`` is None for an absent or empty-named optional input;
    ``ctx.attr(name, default)`` reads an attribute; ``ctx.ops`` builds OpenVINO ops
    (``ctx.ops.relu(x)``); ``ctx.value(i)`` is an input's value when it is known at conversion
    time; ``raise ctx.fail("...")`` reports a defect naming the node.
    """

    def __init__(self, graph: GraphConverter, node: NodeProto, domain: str, version: int) -> None:
        self.graph = graph
        self.node = node
        self.domain = domain
        self.opset_version = version
        self.ops: OpsetBuilder = graph.session.ops
        self.node_name: str = node.name or next((o for o in node.output if o), node.op_type)
        self._attrs = {a.name: a for a in node.attribute}

    # ----------------------------------------------------------------- identity
    @property
    def op_type(self) -> str:
        return self.node.op_type

    @property
    def registry(self) -> Any:
        """The OpsetRegistry (for converters that need extension opsets)."""
        return self.graph.session.registry

    def builder(self, opset: str) -> OpsetBuilder:
        return self.graph.session.registry.builder(opset)

    def describe(self) -> str:
        domain = f"{self.domain}." if self.domain else ""
        return f"ONNX node {self.node_name!r} ({domain}{self.op_type}, opset {self.opset_version})"

    def fail(self, message: str) -> ConversionError:
        """A ConversionError naming this node; use as ``raise ctx.fail("...")``."""
        return ConversionError(f"{self.describe()}: {message}")

    # ----------------------------------------------------------------- inputs
    @property
    def num_inputs(self) -> int:
        return len(self.node.input)

    def has_input(self, i: int) -> bool:
        return i < len(self.node.input) and bool(self.node.input[i])

    def optional_input(self, i: int) -> Output | None:
        return self.graph.lookup(self.node.input[i], self) if self.has_input(i) else None

    def input(self, i: int) -> Output:
        if not self.has_input(i):
            raise self.fail(f"input {i} is required but absent")
        return self.graph.lookup(self.node.input[i], self)

    @property
    def inputs(self) -> list[Output | None]:
        """Every input in order; None where an optional input is left empty."""
        return [self.optional_input(i) for i in range(len(self.node.input))]

    def value(self, i: int) -> np.ndarray | None:
        """The value of input ``i`` if known at conversion time (a constant expression)."""
        src = self.optional_input(i)
        return None if src is None else src.node.output_value(src.index)

    def const_value(self, i: int, what: str) -> np.ndarray:
        """The conversion-time value of input ``i``; an error if it depends on model inputs."""
        v = self.value(i)
        if v is None:
            raise self.fail(f"input {i} ({what}) must be a constant expression")
        return v

    def input_type(self, i: int) -> Type:
        return self.input(i).element_type

    def input_rank(self, i: int) -> int | None:
        shape = self.input(i).partial_shape
        return len(shape) if shape.rank_is_static else None

    def static_rank(self, i: int, what: str = "") -> int:
        rank = self.input_rank(i)
        if rank is None:
            raise self.fail(f"input {i}{' (' + what + ')' if what else ''} must have a static rank")
        return rank

    # ----------------------------------------------------------------- outputs
    @property
    def num_outputs(self) -> int:
        return len(self.node.output)

    def output_used(self, i: int) -> bool:
        return i < len(self.node.output) and bool(self.node.output[i])

    # ----------------------------------------------------------------- attributes
    def has_attr(self, name: str) -> bool:
        return name in self._attrs

    def attr(self, name: str, default: Any = _REQUIRED) -> Any:
        """The attribute's value (ints, floats, str, lists, numpy arrays for tensors)."""
        proto = self._attrs.get(name)
        if proto is None:
            if default is _REQUIRED:
                raise self.fail(f"attribute {name!r} is required but missing")
            return default
        try:
            return attribute_value(proto)
        except UnsupportedTypeError as exc:
            raise self.fail(f"attribute {name!r}: {exc}") from None

    def attr_int(self, name: str, default: Any = _REQUIRED) -> int:
        v = self.attr(name, default)
        if not isinstance(v, int) or isinstance(v, bool):
            raise self.fail(f"attribute {name!r} must be an integer, got {v!r}")
        return v

    # ----------------------------------------------------------------- building
    def const(self, value: Any, element_type: Any = None) -> Output:
        """A Constant output (Python ints become i64 and floats f32 unless a type is given)."""
        return Constant(value, element_type).output(0)

    def subgraph(
        self,
        attr_name: str,
        inputs: Sequence[tuple[Type, PartialShape] | None] | None = None,
        inline: bool = False,
    ) -> Subgraph:
        """Convert graph attribute ``attr_name`` (If branches, Loop/Scan bodies).

        ``inputs`` gives the body inputs' types and shapes where the ONNX graph leaves them out;
        ``inline`` builds an input-less body into the enclosing graph (see GraphConverter).
        """
        proto = self._attrs.get(attr_name)
        if proto is None or not proto.HasField("g"):
            raise self.fail(f"graph attribute {attr_name!r} is required but missing")
        return self.graph.convert_subgraph(proto.g, self, attr_name, inputs, inline)
