"""convert_onnx: an ONNX model (file, bytes or ModelProto) to a pyvino ``Model``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pyvino._core_ops import Parameter, Result
from pyvino._errors import ConversionError, PyvinoError, UnsupportedOpError
from pyvino._model import Model
from pyvino._specs import OnnxConverterSpec
from pyvino.frontend.onnx._context import SequenceValue
from pyvino.frontend.onnx._converters import ConverterTable
from pyvino.frontend.onnx._graph import GraphConverter, Session
from pyvino.frontend.onnx._load import Source, load_model, opset_versions
from pyvino.frontend.onnx._options import InputOption, parse_input, parse_output
from pyvino.frontend.onnx.ops import builtin_table

OPSET = "opset15"  # the OpenVINO opset converters build with


def convert_onnx(
    source: Source,
    *,
    registry: Any,
    extra_converters: Sequence[OnnxConverterSpec] = (),
    input: InputOption = None,
    output: str | Sequence[str] | None = None,
) -> Model:
    """Convert an ONNX model to a pyvino Model built of OpenVINO opset ops.

    ``source``: a path (external data is read relative to its folder), serialized bytes or an
    ``onnx.ModelProto``. ``registry``: the OpsetRegistry to build with. ``extra_converters``:
    ``OnnxConverterSpec`` records (from plugins) that take precedence for their op types.
    ``input``: new input shapes (see ``_options``); ``output``: tensor names to cut the model at.

    Raises ``UnsupportedOpError`` listing every operation without a converter, and
    ``ConversionError`` naming the node for any other defect of the model.
    """
    proto, label = load_model(source)
    try:
        ops = registry.builder(OPSET)
    except PyvinoError as exc:
        raise ConversionError(f"the ONNX frontend needs OpenVINO {OPSET}: {exc}") from None
    table = ConverterTable(builtin_table(), extra_converters)
    session = Session(registry, ops, table, opset_versions(proto), label)
    graph = GraphConverter(session, proto.graph)
    graph.add_initializers()
    params = graph.add_inputs(parse_input(input))
    cut = parse_output(output)
    names = cut or [o.name for o in proto.graph.output]
    nodes = graph.order_nodes(cut or None)
    _check_supported(graph.unsupported(nodes), label)
    graph.convert_nodes(nodes)
    outputs = [graph.lookup(name) for name in names]
    for name, value in zip(names, outputs, strict=True):
        if isinstance(value, SequenceValue):
            raise ConversionError(
                f"{label}: output {name!r} is a sequence; only tensor outputs are supported"
            )
    results = [
        Result([o], name=f"{name}/sink_port_0") for name, o in zip(names, outputs, strict=True)
    ]
    if cut:
        params = _reachable(params, results)
    try:
        return Model(results, params, name=proto.graph.name or "onnx_model")
    except PyvinoError as exc:
        raise ConversionError(f"{label}: {exc}") from None


def _check_supported(missing: list[tuple[str, str, int, str]], label: str) -> None:
    if not missing:
        return
    grouped: dict[tuple[str, str, int], list[str]] = {}
    for domain, op_type, version, node in missing:
        grouped.setdefault((domain, op_type, version), []).append(node)
    lines = [
        f"  {domain + '.' if domain else ''}{op_type} (opset {version}): nodes "
        + ", ".join(repr(n) for n in nodes)
        for (domain, op_type, version), nodes in grouped.items()
    ]
    raise UnsupportedOpError(
        f"{label}: no conversion rule for {len(grouped)} ONNX operation(s):\n" + "\n".join(lines),
        missing,
    )


def _reachable(params: list[Parameter], results: list[Result]) -> list[Parameter]:
    seen: set[int] = set()
    stack: list[Any] = list(results)
    while stack:
        node = stack.pop()
        if id(node) not in seen:
            seen.add(id(node))
            stack.extend(i.node for i in node.inputs)
    return [p for p in params if id(p) in seen]
