"""FakeQuantize in the plan: which kernel runs it and how it joins fused elementwise chains.

* Ranges that are compile-time scalars (what ``pyvino.quantization`` puts on activations):
  the node is elementwise like Relu, so it fuses into block programs and anchor epilogues
  (``Convolution -> Add -> Relu -> FakeQuantize`` is one step). Ending an anchor's simple
  epilogue it runs in the strict ``fakequant`` kernel on each output tile
  (``split_fake_quantize`` / ``WithFakeQuantize``); elsewhere in a chain it is nine exact
  block-program instructions (``emit_fake_quantize``).
* Ranges that vary along one axis (per channel), or a FakeQuantize left alone: the
  ``kernels.fakequant.FakeQuantize`` kernel.
* Ranges along several axes, dynamic shapes, non-f32 data or the ``pdpd`` broadcast: the
  reference ``evaluate``.

Quantized weights (``i8 -> Convert -> Multiply(scale) -> FakeQuantize``) are all constants,
so the plan's constant folding turns them into the f32 weights the convolution and MatMul
kernels pack at compile time; nothing of the weight path runs per inference.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from pyvino import Op, Output, Type

from pyvino_cpu.kernels import eltwise as E

if TYPE_CHECKING:
    from pyvino_cpu._fusion import Group
    from pyvino_cpu._program_builder import ProgramBuilder
    from pyvino_cpu.kernels.fakequant import FakeQuantize

ConstOf = Callable[[Output], "np.ndarray | None"]


def _is_fake_quantize(node: Op) -> bool:
    return node.type_name == "FakeQuantize" and node.attrs.get("auto_broadcast") != "pdpd"


def _static_f32(out: Output) -> bool:
    return out.element_type is Type.f32 and out.partial_shape.is_static


def constant_limits(node: Op, const_of: ConstOf) -> list[np.ndarray] | None:
    """``[il, ih, ol, oh]`` as f32 arrays when all four are compile-time constants."""
    values = [const_of(i) for i in node.inputs[1:5]]
    if any(v is None for v in values):
        return None
    return [np.asarray(v, np.float32) for v in values]  # type: ignore[arg-type]


def scalar_limits(node: Op, const_of: ConstOf) -> tuple[float, float, float, float] | None:
    """The four ranges as floats when ``node`` is an f32 FakeQuantize with scalar ranges
    that does not broadcast its input up (so it can be one instruction group of a chain)."""
    if not _is_fake_quantize(node) or not all(
        _static_f32(o) for o in (*node.inputs, node.output(0))
    ):
        return None
    if tuple(node.inputs[0].shape) != tuple(node.output(0).shape):
        return None
    limits = constant_limits(node, const_of)
    if limits is None or any(v.size != 1 for v in limits):
        return None
    il, ih, ol, oh = (float(v.reshape(-1)[0]) for v in limits)
    return il, ih, ol, oh


def emit_fake_quantize(builder: ProgramBuilder, node: Op) -> int | None:
    """Emit FakeQuantize with scalar ranges into ``builder``; the result's value or None.

    One instruction per f32 operation of the reference, in its order: the block program is
    compiled with fast-math, which cannot change a lone subtraction, division or product, but
    would (reciprocals, fused multiply-adds) inside a combined loop.
    """
    found = scalar_limits(node, builder.const_of)
    if found is None:
        return None
    il, ih, ol, oh = (np.float32(v) for v in found)
    steps = builder.const(float(np.float32(node.attrs["levels"] - 1)))
    x = builder.operand(node.inputs[0])
    t = builder._emit(E.SUB, x, builder.const(float(il)))
    t = builder._emit(E.DIV, t, builder.const(float(ih - il)))  # f32 difference, as the reference
    t = builder._emit(E.RINT, builder._emit(E.MUL, t, steps))
    t = builder._emit(E.DIV, t, steps)
    t = builder._emit(E.MUL, t, builder.const(float(oh - ol)))
    t = builder._emit(E.ADD, t, builder.const(float(ol)))
    t = builder._emit(E.FQ_BELOW, x, t, float(min(il, ih)), float(ol))
    return builder._emit(E.FQ_ABOVE, x, t, float(max(il, ih)), float(oh))


def fake_quantize_kernel(node: Op, const_of: ConstOf) -> tuple[FakeQuantize, list[Output]] | None:
    """The standalone kernel for ``node`` and its one graph input ``x``, or None."""
    if not _is_fake_quantize(node) or node.attrs["auto_broadcast"] != "numpy":
        return None
    x, out = node.inputs[0], node.output(0)
    if not (_static_f32(x) and _static_f32(out)) or tuple(x.shape) != tuple(out.shape):
        return None
    if int(np.prod(tuple(x.shape), dtype=np.int64)) == 0:
        return None
    limits = constant_limits(node, const_of)
    if limits is None:
        return None
    from pyvino_cpu.kernels.fakequant import build_fake_quantize

    kernel = build_fake_quantize(tuple(x.shape), limits, node.attrs["levels"])
    return (kernel, [x]) if kernel is not None else None


def split_fake_quantize(group: Group, const_of: ConstOf) -> tuple[list[Op], FakeQuantize] | None:
    """For an anchor group ending in a scalar-range FakeQuantize: the epilogue nodes before
    it and the kernel that applies it in place (``kernels.fakequant.WithFakeQuantize``)."""
    last = group.last
    if group.anchor is None or last is group.anchor or scalar_limits(last, const_of) is None:
        return None
    from pyvino_cpu.kernels.fakequant import build_fake_quantize

    limits = constant_limits(last, const_of)
    assert limits is not None  # scalar_limits checked them
    kernel = build_fake_quantize(tuple(last.output(0).shape), limits, last.attrs["levels"])
    return (group.epilogue[:-1], kernel) if kernel is not None else None
