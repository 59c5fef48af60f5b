"""Control flow: If -> If-8, Loop -> Loop-5, Scan (opset 9+) -> TensorIterator-1.

Bodies are converted with ``ctx.subgraph``; every outer value a body reads becomes an extra op
input feeding a body Parameter (an invariant input). The port-description records (InvariantInput,
MergedInput, SlicedInput, BodyOutput, ConcatOutput, SpecialBodyPorts) come from the module that
defines the installed If/Loop classes.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import numpy as np

from pyvino._core_ops import Parameter, Result
from pyvino._model import Model
from pyvino._node import Output
from pyvino._shape import Dimension, PartialShape
from pyvino._types import Type
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx._graph import Subgraph
from pyvino.frontend.onnx.ops._common import i64, out


def _ports(ctx: NodeContext, op_type: str) -> ModuleType:
    """The module of the installed ``op_type`` class, which exports the port descriptions."""
    return importlib.import_module(ctx.ops.op_class(op_type).__module__)


def _outer_inputs(captures: list[list[tuple[Output, Parameter]]]) -> list[Output]:
    """The distinct outer values captured by any of the bodies, in first-seen order."""
    seen: list[Output] = []
    for body in captures:
        for outer, _ in body:
            if outer not in seen:
                seen.append(outer)
    return seen


def if_(ctx: NodeContext) -> list[Output]:
    cond = ctx.input(0)
    known = ctx.value(0)
    if known is not None:  # the branch is decided at conversion time: inline it
        taken = "then_branch" if bool(np.asarray(known).reshape(-1)[0]) else "else_branch"
        return ctx.subgraph(taken, inline=True).outputs
    then_b, else_b = ctx.subgraph("then_branch"), ctx.subgraph("else_branch")
    if len(then_b.outputs) != len(else_b.outputs):
        raise ctx.fail(
            f"then_branch has {len(then_b.outputs)} outputs, else_branch {len(else_b.outputs)}"
        )
    p = _ports(ctx, "If")
    outer = _outer_inputs([then_b.captured, else_b.captured])

    def descriptions(sub: Subgraph) -> tuple[list[Any], list[Any]]:
        params = sub.model.get_parameters()
        ins = [p.InvariantInput(1 + outer.index(o), params.index(prm)) for o, prm in sub.captured]
        return ins, [p.BodyOutput(k, k) for k in range(len(sub.outputs))]

    (ti, to), (ei, eo) = descriptions(then_b), descriptions(else_b)
    node = ctx.ops.op_class("If")(
        [cond, *outer],
        name=ctx.node_name,
        then_body=then_b.model,
        else_body=else_b.model,
        input_descriptions={"then_body": ti, "else_body": ei},
        output_descriptions={"then_body": to, "else_body": eo},
    )
    return node.outputs()


def _rewire(model: Model, squeeze: dict[int, int], unsqueeze: dict[int, int], ops: Any) -> Model:
    """The body with parameter i taking an extra axis (squeezed inside) and results j gaining one."""
    params = model.get_parameters()
    results = model.get_results()
    nodes = model.get_ordered_ops()
    new_params = list(params)
    for i, axis in squeeze.items():
        old = params[i]
        shape = old.get_partial_shape()
        dims = list(shape) if shape.rank_is_static else None
        if dims is not None:
            dims.insert(axis, Dimension(1))
        new = Parameter(old.get_element_type(), PartialShape(dims), name=old.friendly_name)
        squeezed = out(ops.squeeze(new, i64([axis])))
        for node in nodes:
            node.inputs = [squeezed if src == old.output(0) else src for src in node.inputs]
        new_params[i] = new
    new_results = list(results)
    for j, axis in unsqueeze.items():
        src = results[j].inputs[0]
        new_results[j] = Result(
            [out(ops.unsqueeze(src, i64([axis])))], name=results[j].friendly_name
        )
    rebuilt = Model(new_results, new_params, name=model.friendly_name)
    rebuilt.validate_nodes_and_infer_types()
    return rebuilt


def loop(ctx: NodeContext) -> list[Output]:
    trip = ctx.optional_input(0) or i64(-1)
    cond = ctx.optional_input(1) or ctx.const(np.bool_(True))
    carried = [ctx.input(i) for i in range(2, ctx.num_inputs)]
    n = len(carried)
    given = [(Type.i64, PartialShape([])), (Type.boolean, PartialShape([]))]
    given += [
        (
            v.element_type,
            PartialShape.dynamic(len(v.partial_shape))
            if v.partial_shape.rank_is_static
            else PartialShape.dynamic(),
        )
        for v in carried
    ]
    body = ctx.subgraph("body", given)
    k = len(body.outputs) - 1 - n
    if k < 0:
        raise ctx.fail(f"the body has {len(body.outputs)} outputs; expected at least {1 + n}")
    model = _rewire(body.model, {}, {1 + n + s: 0 for s in range(k)}, ctx.ops)
    p = _ports(ctx, "Loop")
    outer = _outer_inputs([body.captured])
    # Loop-5's input 1 only starts the loop; the body's cond_in gets a copy as a data input.
    ins: list[Any] = [p.MergedInput(2, 1, 0)]
    ins += [p.MergedInput(3 + i, 2 + i, 1 + i) for i in range(n)]
    ins += [
        p.InvariantInput(3 + n + outer.index(o), body.model.get_parameters().index(prm))
        for o, prm in body.captured
    ]
    outs: list[Any] = [p.BodyOutput(1 + i, i) for i in range(n)]
    outs += [p.ConcatOutput(1 + n + s, n + s, axis=0) for s in range(k)]
    node = ctx.ops.op_class("Loop")(
        [trip, cond, cond, *carried, *outer],
        name=ctx.node_name,
        body=model,
        input_descriptions=ins,
        output_descriptions=outs,
        special_body_ports=p.SpecialBodyPorts(0, 0),
    )
    return node.outputs()


def scan(ctx: NodeContext) -> list[Output]:
    """Scan-9+: state inputs are carried, scan inputs sliced along their axes (one per step)."""
    m = ctx.attr("num_scan_inputs")
    values = [ctx.input(i) for i in range(ctx.num_inputs)]
    n = len(values) - m
    scans = values[n:]
    in_axes = list(ctx.attr("scan_input_axes", [0] * m))
    in_dirs = list(ctx.attr("scan_input_directions", [0] * m))
    given: list[Any] = []
    for v in values[:n]:
        given.append((v.element_type, v.partial_shape))
    for j, v in enumerate(scans):
        shape = v.partial_shape
        if not shape.rank_is_static:
            raise ctx.fail(f"scan input {j} must have a static rank")
        in_axes[j] = in_axes[j] + len(shape) if in_axes[j] < 0 else in_axes[j]
        dims = [d for a, d in enumerate(shape) if a != in_axes[j]]
        given.append((v.element_type, PartialShape(dims)))
    body = ctx.subgraph("body", given)
    k = len(body.outputs) - n
    out_axes = list(ctx.attr("scan_output_axes", [0] * k))
    out_dirs = list(ctx.attr("scan_output_directions", [0] * k))
    ranks = [
        len(o.partial_shape) + 1 if o.partial_shape.rank_is_static else None
        for o in body.outputs[n:]
    ]
    out_axes = [
        a + r if a < 0 and r is not None else a for a, r in zip(out_axes, ranks, strict=False)
    ]
    model = _rewire(
        body.model,
        {n + j: in_axes[j] for j in range(m)},
        {n + s: out_axes[s] for s in range(k)},
        ctx.ops,
    )
    p = _ports(ctx, "TensorIterator")
    outer = _outer_inputs([body.captured])
    ins: list[Any] = [p.MergedInput(i, i, i) for i in range(n)]
    for j in range(m):
        stride = -1 if in_dirs[j] else 1
        ins.append(
            p.SlicedInput(n + j, n + j, in_axes[j], start=0, stride=stride, part_size=1, end=-1)
        )
    ins += [
        p.InvariantInput(n + m + outer.index(o), body.model.get_parameters().index(prm))
        for o, prm in body.captured
    ]
    outs: list[Any] = [p.BodyOutput(i, i) for i in range(n)]
    outs += [
        p.ConcatOutput(n + s, n + s, axis=out_axes[s], stride=-1 if out_dirs[s] else 1)
        for s in range(k)
    ]
    node = ctx.ops.op_class("TensorIterator")(
        [*values, *outer],
        name=ctx.node_name,
        body=model,
        input_descriptions=ins,
        output_descriptions=outs,
    )
    return node.outputs()


CONVERTERS = [
    ("If", 1, if_),
    ("Loop", 1, loop),
    ("Scan", 9, scan),
]
