"""GraphConverter: one ONNX graph (the main graph or a subgraph) turned into pyvino nodes.

ONNX value names become tensor names of the Outputs that stand for them; the node producing an
ONNX node's first output takes the ONNX node's name as its friendly name. Subgraphs (If
branches, Loop and Scan bodies) see the values of enclosing graphs: each outer value a body
uses becomes a Parameter of the body, recorded in ``Subgraph.captured``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from onnx import GraphProto, NodeProto, ValueInfoProto

from pyvino._core_ops import Constant, Parameter, Result
from pyvino._errors import ConversionError, PyvinoError
from pyvino._model import Model
from pyvino._node import Op, Output
from pyvino._opset import OpsetBuilder
from pyvino._shape import Dimension, PartialShape
from pyvino._types import Type
from pyvino.frontend.onnx._context import NodeContext, SequenceValue
from pyvino.frontend.onnx._converters import ConverterTable
from pyvino.frontend.onnx._load import normalize_domain
from pyvino.frontend.onnx._order import graph_attrs, node_label, order_nodes
from pyvino.frontend.onnx._types import (
    UnsupportedTypeError,
    element_type,
    sparse_to_array,
    tensor_to_array,
)


@dataclass
class Session:
    """What every graph of one conversion shares: builder, converters, opset versions."""

    registry: Any
    ops: OpsetBuilder
    table: ConverterTable
    versions: dict[str, int]
    label: str
    named: set[int] = field(default_factory=set)  # ids of nodes that got their friendly name

    def version(self, domain: str) -> int:
        return self.versions.get(normalize_domain(domain), 1)


@dataclass
class Subgraph:
    """A converted subgraph: ``model``'s parameters are ``inputs`` then the captured values."""

    model: Model
    inputs: list[Parameter]
    outputs: list[Output]
    captured: list[tuple[Output, Parameter]]


class GraphConverter:
    """Converts one ONNX graph; ``parent`` is the enclosing graph for subgraphs."""

    def __init__(
        self,
        session: Session,
        graph: GraphProto,
        parent: GraphConverter | None = None,
        label: str = "main graph",
    ) -> None:
        self.session = session
        self.graph = graph
        self.parent = parent
        self.label = label
        self.values: dict[str, Output] = {}
        self.missing: dict[str, str] = {}
        self.captured: list[tuple[Output, Parameter]] = []
        self.inline = False  # an inlined subgraph reads outer values directly

    # ----------------------------------------------------------------- errors
    def error(self, message: str) -> ConversionError:
        where = (
            self.session.label if self.parent is None else f"{self.session.label} ({self.label})"
        )
        return ConversionError(f"{where}: {message}")

    # ----------------------------------------------------------------- sources
    def _bind(self, name: str, out: Output) -> None:
        out.add_names([name])
        self.values[name] = out
        self.session.named.add(id(out.node))

    def add_initializers(self) -> None:
        for tensor in self.graph.initializer:
            try:
                value, t = tensor_to_array(tensor)
            except UnsupportedTypeError as exc:
                raise self.error(f"initializer {tensor.name!r}: {exc}") from None
            self._bind(tensor.name, Constant(value, t, name=tensor.name).output(0))
        for sparse in self.graph.sparse_initializer:
            try:
                value, t = sparse_to_array(sparse)
            except (UnsupportedTypeError, ValueError, IndexError) as exc:
                raise self.error(f"sparse initializer {sparse.values.name!r}: {exc}") from None
            self._bind(sparse.values.name, Constant(value, t, name=sparse.values.name).output(0))

    def _input_type(self, info: ValueInfoProto) -> tuple[Type, PartialShape]:
        if not info.type.HasField("tensor_type"):
            kind = info.type.WhichOneof("value") or "no type"
            raise self.error(f"input {info.name!r} is a {kind}; only tensor inputs are supported")
        tt = info.type.tensor_type
        try:
            t = element_type(tt.elem_type)
        except UnsupportedTypeError as exc:
            raise self.error(f"input {info.name!r}: {exc}") from None
        if not tt.HasField("shape"):
            return t, PartialShape.dynamic()
        dims = [
            Dimension(d.dim_value) if d.HasField("dim_value") else Dimension() for d in tt.shape.dim
        ]
        return t, PartialShape(dims)

    def add_inputs(
        self,
        overrides: Sequence[tuple[str | None, PartialShape]] = (),
        given: Sequence[tuple[Type, PartialShape] | None] | None = None,
    ) -> list[Parameter]:
        """Parameters for the graph inputs that are not initializers (those stay constants)."""
        infos = [i for i in self.graph.input if i.name not in self.values]
        shapes = _resolve_overrides(overrides, [i.name for i in infos], self.error)
        params = []
        for k, info in enumerate(infos):
            if given is not None and k < len(given) and given[k] is not None:
                t, shape = given[k]  # type: ignore[misc]
            else:
                t, shape = self._input_type(info)
            shape = shapes.get(info.name, shape)
            param = Parameter(t, shape, name=info.name)
            self._bind(info.name, param.output(0))
            params.append(param)
        return params

    # ----------------------------------------------------------------- ordering
    def order_nodes(self, wanted: Sequence[str] | None = None) -> list[NodeProto]:
        """The graph's nodes (only those ``wanted`` outputs need) producers first."""
        return order_nodes(
            list(self.graph.node), self._visible, wanted, self.error, lambda n: n in self.values
        )

    def _visible(self, name: str) -> bool:
        if name in self.values or name in self.missing:
            return True
        return self.parent is not None and self.parent._visible(name)

    # ----------------------------------------------------------------- support check
    def unsupported(self, nodes: Sequence[NodeProto]) -> list[tuple[str, str, int, str]]:
        """(domain, op_type, opset, node name) of every node (subgraphs too) with no converter."""
        found = []
        for i, node in enumerate(nodes):
            version = self.session.version(node.domain)
            if self.session.table.find(node.domain, node.op_type, version) is None:
                found.append(
                    (normalize_domain(node.domain), node.op_type, version, node_label(node, i))
                )
            for sub in graph_attrs(node):
                found.extend(self.unsupported(list(sub.node)))
        return found

    # ----------------------------------------------------------------- conversion
    def convert_nodes(self, nodes: Sequence[NodeProto]) -> None:
        for node in nodes:
            self.convert_node(node)

    def convert_node(self, node: NodeProto) -> None:
        domain = normalize_domain(node.domain)
        version = self.session.version(domain)
        fn = self.session.table.find(domain, node.op_type, version)
        ctx = NodeContext(self, node, domain, version)
        if fn is None:
            raise ctx.fail("no conversion rule for this operation")
        try:
            produced = fn(ctx)
        except ConversionError:
            raise
        except PyvinoError as exc:
            raise ctx.fail(str(exc)) from None
        except Exception as exc:
            raise ctx.fail(f"conversion failed: {type(exc).__name__}: {exc}") from exc
        self._bind_outputs(ctx, list(produced))

    def _bind_outputs(self, ctx: NodeContext, produced: list[Any]) -> None:
        first_producer: Op | None = None
        for i, name in enumerate(ctx.node.output):
            if not name:
                continue
            out = produced[i] if i < len(produced) else None
            if isinstance(out, Op):
                out = out.output(0)
            if isinstance(out, SequenceValue):
                self.values[name] = out  # type: ignore[assignment]
                continue
            if out is None:
                self.missing[name] = f"output {i} ({name!r}) of {ctx.describe()} is not supported"
                continue
            if not isinstance(out, Output):
                raise ctx.fail(f"converter returned {type(out).__name__} for output {i}")
            if id(out.node) not in self.session.named:
                friendly = ctx.node_name if first_producer in (None, out.node) else name
                out.node.set_friendly_name(friendly)
                first_producer = first_producer or out.node
            self._bind(name, out)

    def lookup(self, name: str, ctx: NodeContext | None = None) -> Output:
        """The Output standing for ONNX value ``name`` (captured from enclosing graphs if needed)."""
        out = self.values.get(name)
        if out is not None:
            return out
        fail: Callable[[str], ConversionError] = ctx.fail if ctx is not None else self.error
        if name in self.missing:
            raise fail(self.missing[name])
        if self.parent is not None and self.parent._visible(name):
            outer = self.parent.lookup(name, ctx)
            if self.inline:
                return outer
            if isinstance(outer, SequenceValue):
                raise fail(f"sequence {name!r} cannot be passed into a subgraph")
            param = Parameter(outer.element_type, outer.partial_shape, name=name)
            self.captured.append((outer, param))
            self._bind(name, param.output(0))
            return param.output(0)
        raise fail(f"value {name!r} is not defined by any node, initializer or graph input")

    def convert_subgraph(
        self,
        graph: GraphProto,
        ctx: NodeContext,
        attr_name: str,
        inputs: Sequence[tuple[Type, PartialShape] | None] | None = None,
        inline: bool = False,
    ) -> Subgraph:
        """Convert ``graph`` as a body seeing this graph's values; ``inputs`` may give input types.

        ``inline``: build the body's nodes right into this graph (a graph without inputs whose
        outputs are then Outputs of this graph, e.g. the branch of an If known at conversion).
        """
        sub = GraphConverter(self.session, graph, self, f"{ctx.node_name}/{attr_name}")
        sub.inline = inline
        sub.add_initializers()
        params = sub.add_inputs(given=inputs)
        sub.convert_nodes(sub.order_nodes())
        outputs = [sub.lookup(o.name, ctx) for o in graph.output]
        if inline:
            return Subgraph(Model([], [], name=sub.label), params, outputs, [])
        results = [
            Result([o], name=f"{o.node.friendly_name}/sink_port_{k}") for k, o in enumerate(outputs)
        ]
        model = Model(results, params + [p for _, p in sub.captured], name=sub.label)
        return Subgraph(model, params, outputs, sub.captured)


def _resolve_overrides(
    overrides: Sequence[tuple[str | None, PartialShape]],
    names: list[str],
    error: Callable[[str], ConversionError],
) -> dict[str, PartialShape]:
    shapes: dict[str, PartialShape] = {}
    positional = [s for n, s in overrides if n is None]
    if len(positional) > len(names):
        raise error(f"input= gives {len(positional)} shapes but the model has {len(names)} inputs")
    shapes.update(zip(names, positional, strict=False))
    for name, shape in overrides:
        if name is None:
            continue
        if name not in names:
            raise error(
                f"input= names {name!r}, which is not a model input; inputs: {', '.join(names)}"
            )
        shapes[name] = shape
    return shapes
