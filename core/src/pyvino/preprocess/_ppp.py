"""PrePostProcessor: turns the user's description of inputs and outputs into ops in the model.

As ``ov.preprocess.PrePostProcessor``: each described input gets new Parameter(s) in the
user's tensor format (one per colour plane), the preprocessing steps, then the implicit steps
(Convert to the model's element type, Transpose to the model's layout), and the old
Parameter's consumers are rewired to the result. Outputs get postprocessing steps and the
implicit Convert/Transpose to the user's tensor before their Result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyvino._core_ops import Parameter, Result
from pyvino._errors import PyvinoError
from pyvino._model import Model
from pyvino._node import Output
from pyvino._shape import Dimension, PartialShape
from pyvino.preprocess import _color
from pyvino.preprocess._color import ColorFormat
from pyvino.preprocess._context import Context, Step
from pyvino.preprocess._info import InputInfo, OutputInfo
from pyvino.preprocess._layout import (
    Layout,
    apply_permutation,
    find_permutation,
    get_layout,
    set_layout,
)
from pyvino.preprocess._ops import convert, transpose


@dataclass
class _InputPlan:
    param: Parameter
    new_params: list[Parameter]
    ctx: Context


def _tensor_shape(info: InputInfo, model_shape: PartialShape, tensor_layout: Layout,
                  model_layout: Layout) -> tuple[PartialShape, Layout]:
    """The user's (image) shape before plane splitting, as OpenVINO's create_new_params."""
    t, steps = info.tensor(), info.preprocess()
    shape = t.shape or model_shape
    if not tensor_layout.empty() and not model_layout.empty() and tensor_layout != model_layout:
        if shape.rank_is_static and t.shape is None:
            perm = find_permutation(model_layout, len(shape), tensor_layout)
            if perm:
                shape = PartialShape([shape[p] for p in perm])
    elif shape.rank_is_static and steps.layout_dims and t.shape is None:
        dims = list(shape)
        layout = model_layout
        for perm in reversed(steps.layout_dims):  # undo numeric convert_layout steps
            old, dims = dims, [Dimension()] * len(dims)
            back = [0] * len(perm)
            for i, p in enumerate(perm):
                dims[p], back[p] = old[i], i
            layout = apply_permutation(layout, back)
        shape = PartialShape(dims)
        if tensor_layout.empty():
            tensor_layout = layout
    elif tensor_layout.empty():
        tensor_layout = model_layout
    if t.spatial is not None and t.shape is None:
        rank = len(shape)
        h, w = tensor_layout.index_in("H", rank), tensor_layout.index_in("W", rank)
        if h is None or w is None:
            raise PyvinoError("set_spatial_*_shape needs a tensor layout with H and W")
        dims = list(shape)
        dims[h], dims[w] = (Dimension(), Dimension()) if t.spatial[0] < 0 else \
            (Dimension(t.spatial[0]), Dimension(t.spatial[1]))
        shape = PartialShape(dims)
    return shape, tensor_layout


def plan_input(info: InputInfo) -> _InputPlan:
    """New Parameters and the starting context for one input (nothing is attached yet)."""
    param = info.port.node
    assert isinstance(param, Parameter)
    t = info.tensor()
    tensor_layout = t.layout if t.layout is not None else _color.default_layout(t.color_format)
    model_layout = info.model().layout or get_layout(param.output(0))
    if model_layout.empty() and t.layout is not None:
        model_layout = info.preprocess().propagate_layout(tensor_layout)
    model_shape = param.get_partial_shape()
    shape, tensor_layout = _tensor_shape(info, model_shape, tensor_layout, model_layout)
    element_type = t.element_type or param.get_element_type()
    names = param.output(0).names
    new_params = []
    for plane in range(_color.planes_count(t.color_format)):
        p = Parameter(element_type, _color.plane_shape(t.color_format, plane, shape, tensor_layout))
        if t.sub_names:
            p.set_friendly_name(f"{param.friendly_name}/{t.sub_names[plane]}")
            p.output(0).set_names([f"{n}/{t.sub_names[plane]}" for n in names])
        else:
            p.set_friendly_name(param.friendly_name)
            p.output(0).set_names(sorted(names))
        p.rt_info.update(param.rt_info)
        p.output(0).rt_info.update(param.output(0).rt_info)
        set_layout(p.output(0), tensor_layout)
        new_params.append(p)
    ctx = Context(tensor_layout, t.color_format, model_layout, model_shape,
                  param.get_element_type())
    return _InputPlan(param, new_params, ctx)


def implicit_steps(current_type: Any, ctx: Context, post: bool = False,
                   target_type: Any = None) -> list[Step]:
    """Convert to the target element type, then Transpose to the target layout."""
    steps: list[Step] = []
    target = ctx.target_element_type if target_type is None else target_type
    if target is not None and target.name != "dynamic" and current_type is not target:
        steps.append(Step(f"convert type ({target.name})",
                          lambda nodes, c, _t=target: [convert(nodes[0], _t)]))
    if not ctx.target_layout.empty() and ctx.target_layout != ctx.layout:
        if ctx.layout.empty():
            raise PyvinoError(f"can't convert to layout {ctx.target_layout}: the "
                              f"{'model output' if post else 'current'} layout is unknown; "
                              "set it with model().set_layout(...)")
        def to_layout(nodes: list[Output], c: Context) -> list[Output]:
            perm = find_permutation(c.layout, len(nodes[0].partial_shape), c.target_layout)
            c.layout = c.target_layout
            return [transpose(nodes[0], perm)] if perm else nodes

        steps.append(Step(f"convert layout {ctx.target_layout}", to_layout))
    return steps


def run_input(info: InputInfo, plan: _InputPlan, log: list[str] | None = None) -> Output:
    """Apply the steps and implicit steps; append OpenVINO-style dump lines to ``log``."""
    ctx = plan.ctx
    nodes = [p.output(0) for p in plan.new_params]
    steps = info.preprocess().steps
    if log is not None and steps:
        log.append(f"    Pre-processing steps ({len(steps)}):")
    nodes = _apply(steps, nodes, ctx, log, color=True)
    if len(nodes) != 1:
        raise PyvinoError("multiple plane input is not allowed as model input; add "
                          f"convert_color (current format '{ctx.color_format.value}')")
    if ctx.color_format not in (ColorFormat.RGB, ColorFormat.BGR, ColorFormat.GRAY,
                                ColorFormat.UNDEFINED):
        raise PyvinoError(f"the model needs RGB/BGR/GRAY; add convert_color to convert "
                          f"'{ctx.color_format.value}'")
    implicit = implicit_steps(nodes[0].element_type, ctx)
    if log is not None and implicit:
        log.append(f"    Implicit pre-processing steps ({len(implicit)}):")
    nodes = _apply(implicit, nodes, ctx, log, color=True)
    node = nodes[0]
    if not node.partial_shape.compatible(ctx.model_shape):
        raise PyvinoError(f"resulting shape {node.partial_shape} after preprocessing is not "
                          f"aligned with the original parameter's shape {ctx.model_shape}, "
                          f"input parameter: {plan.param.friendly_name}")
    return node


def _apply(steps: list[Step], nodes: list[Output], ctx: Context, log: list[str] | None,
           color: bool = False) -> list[Output]:
    for step in steps:
        before = dump_tensor(nodes[0], ctx, color)
        nodes = step.run(nodes, ctx)
        if log is not None:
            log.append(f"      {step.name}: ({before}) -> ({dump_tensor(nodes[0], ctx, color)})")
    return nodes


def dump_tensor(x: Output | Any, ctx: Context, color: bool = False, shape: Any = None,
                layout: Layout | None = None, element_type: Any = None) -> str:
    shape = x.partial_shape if shape is None else shape
    layout = ctx.layout if layout is None else layout
    element_type = x.element_type if element_type is None else element_type
    text = f"{shape}, {layout.to_string() or '<no layout>'}, {element_type.name}"
    if color and ctx.color_format is not ColorFormat.UNDEFINED:
        text += f", {ctx.color_format.value}"
    return text


def attach_input(model: Model, plan: _InputPlan, node: Output) -> None:
    """Rewire the old Parameter's consumers to ``node``; put the new Parameters in its place."""
    old = plan.param.output(0)
    for op in model.get_ordered_ops():
        for i, src in enumerate(op.inputs):
            if src == old:
                op.inputs[i] = node
    old.names.clear()
    i = next(k for k, p in enumerate(model.get_parameters()) if p is plan.param)
    model.replace_parameter(i, plan.new_params)


def run_output(info: OutputInfo, result: Result,
               log: list[str] | None = None) -> tuple[Output, Layout]:
    """Postprocessing steps and implicit Convert/Transpose; the new output and its layout."""
    layout = info.model().layout or get_layout(result.output(0))
    ctx = Context(layout)
    ctx.target_layout = info.tensor().layout or Layout()
    node = result.inputs[0]
    steps = info.postprocess().steps
    if log is not None and steps:
        log.append(f"    Post-processing steps ({len(steps)}):")
    node = _apply(steps, [node], ctx, log)[0]
    target_type = info.tensor().element_type or node.element_type
    implicit = implicit_steps(node.element_type, ctx, post=True, target_type=target_type)
    if log is not None and implicit:
        log.append(f"    Post-processing implicit steps ({len(implicit)}):")
    node = _apply(implicit, [node], ctx, log)[0]
    return node, ctx.layout


def attach_output(result: Result, node: Output, layout: Layout) -> None:
    orig = result.inputs[0]
    if node != orig:
        node.set_names(sorted(orig.names))
        orig.names.clear()
        node.node.set_friendly_name(f"{orig.node.friendly_name}.{orig.index}")
        result.inputs[0] = node
        result.validate()
    if not layout.empty():
        set_layout(result.output(0), layout)
