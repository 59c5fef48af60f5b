"""Activations: Relu family, Clip, Elu/Selu/Celu, HardSigmoid, Gelu, Shrink, Dropout, Identity."""

from __future__ import annotations

import numpy as np

from pyvino._node import Output
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import out, scalar_like, shape_of


def _clip_bounds(ctx: NodeContext) -> tuple[Output | None, Output | None]:
    if ctx.opset_version < 11:
        x = ctx.input(0)
        info = np.finfo(np.float32)
        lo = ctx.attr("min", float(info.min))
        hi = ctx.attr("max", float(info.max))
        return scalar_like(lo, x), scalar_like(hi, x)
    return ctx.optional_input(1), ctx.optional_input(2)


def clip(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    lo, hi = _clip_bounds(ctx)
    lo_v = None if lo is None else lo.node.output_value(lo.index)
    hi_v = None if hi is None else hi.node.output_value(hi.index)
    known = (lo is None or lo_v is not None) and (hi is None or hi_v is not None)
    if x.element_type.is_real and known:
        lo_f = -np.inf if lo_v is None else float(np.asarray(lo_v, dtype=np.float64).reshape(-1)[0])
        hi_f = np.inf if hi_v is None else float(np.asarray(hi_v, dtype=np.float64).reshape(-1)[0])
        if lo_f <= hi_f:
            return [out(ctx.ops.clamp(x, min=lo_f, max=hi_f))]
    y = x
    if lo is not None:
        y = out(ctx.ops.maximum(y, lo))
    if hi is not None:
        y = out(ctx.ops.minimum(y, hi))
    return [y]


def _simple(op: str):
    def convert(ctx: NodeContext) -> list[Output]:
        return [out(getattr(ctx.ops, op)(ctx.input(0)))]

    convert.__name__ = f"convert_{op}"
    return convert


def elu(ctx: NodeContext) -> list[Output]:
    return [out(ctx.ops.elu(ctx.input(0), alpha=ctx.attr("alpha", 1.0)))]


def selu(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    alpha = scalar_like([ctx.attr("alpha", 1.67326319217681884765625)], x)
    gamma = scalar_like([ctx.attr("gamma", 1.05070102214813232421875)], x)
    return [out(ctx.ops.selu(x, alpha, gamma))]


def leaky_relu(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    return [out(ctx.ops.prelu(x, scalar_like([ctx.attr("alpha", 0.01)], x)))]


def prelu(ctx: NodeContext) -> list[Output]:
    x, slope = ctx.input(0), ctx.input(1)
    return [out(ctx.ops.prelu(x, slope))]


def hard_sigmoid(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    alpha = scalar_like(ctx.attr("alpha", 0.2), x)
    beta = scalar_like(ctx.attr("beta", 0.5), x)
    return [out(ctx.ops.hard_sigmoid(x, alpha, beta))]


def gelu(ctx: NodeContext) -> list[Output]:
    mode = ctx.attr("approximate", "none")
    if mode not in ("none", "tanh"):
        raise ctx.fail(f"attribute 'approximate' must be 'none' or 'tanh', got {mode!r}")
    return [out(ctx.ops.gelu(ctx.input(0), approximation_mode="ERF" if mode == "none" else "TANH"))]


def celu(ctx: NodeContext) -> list[Output]:
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    x = ctx.input(0)
    alpha = scalar_like(ctx.attr("alpha", 1.0), x)
    zero, one = scalar_like(0, x), scalar_like(1, x)
    e = out(ctx.ops.exp(out(ctx.ops.divide(x, alpha))))
    neg = out(ctx.ops.minimum(zero, out(ctx.ops.multiply(alpha, out(ctx.ops.subtract(e, one))))))
    return [out(ctx.ops.add(out(ctx.ops.maximum(zero, x)), neg))]


def thresholded_relu(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    keep = out(ctx.ops.greater(x, scalar_like(ctx.attr("alpha", 1.0), x)))
    return [out(ctx.ops.select(keep, x, scalar_like(0, x)))]


def shrink(ctx: NodeContext) -> list[Output]:
    """x + bias where x < -lambd, x - bias where x > lambd, else 0."""
    x = ctx.input(0)
    lambd, bias = ctx.attr("lambd", 0.5), ctx.attr("bias", 0.0)
    if x.element_type.is_real:
        lo, hi = scalar_like(-lambd, x), scalar_like(lambd, x)
    else:  # compare integers against the exact (possibly fractional) threshold
        xf = out(ctx.ops.convert(x, destination_type="f64"))
        lo_cmp = out(ctx.ops.less(xf, scalar_like(-lambd, xf)))
        hi_cmp = out(ctx.ops.greater(xf, scalar_like(lambd, xf)))
        return [_shrink_select(ctx, x, bias, lo_cmp, hi_cmp)]
    return [_shrink_select(ctx, x, bias, out(ctx.ops.less(x, lo)), out(ctx.ops.greater(x, hi)))]


def _shrink_select(
    ctx: NodeContext, x: Output, bias: float, below: Output, above: Output
) -> Output:
    b = scalar_like(bias, x)
    zero = scalar_like(0, x)
    inner = out(ctx.ops.select(above, out(ctx.ops.subtract(x, b)), zero))
    return out(ctx.ops.select(below, out(ctx.ops.add(x, b)), inner))


def swish(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    return [out(ctx.ops.swish(x, scalar_like(ctx.attr("alpha", 1.0), x)))]


def identity(ctx: NodeContext) -> list[Output]:
    return [ctx.input(0)]


def dropout(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    if ctx.opset_version < 7 and not ctx.attr("is_test", 0):
        raise ctx.fail("training-mode Dropout (is_test=0) is random; only inference is supported")
    if ctx.opset_version >= 12 and ctx.has_input(2):
        training = ctx.value(2)
        ratio = ctx.value(1) if ctx.has_input(1) else np.float32(0.5)
        if training is None or (bool(np.asarray(training)) and float(np.asarray(ratio)) != 0.0):
            raise ctx.fail("training-mode Dropout is random; only inference is supported")
    results = [x]
    if ctx.output_used(1):
        ones = out(ctx.ops.broadcast(ctx.const(np.bool_(True)), shape_of(ctx, x), mode="numpy"))
        results.append(ones)
    return results


def is_inf(ctx: NodeContext) -> list[Output]:
    return [
        out(
            ctx.ops.is_inf(
                ctx.input(0),
                detect_negative=bool(ctx.attr("detect_negative", 1)),
                detect_positive=bool(ctx.attr("detect_positive", 1)),
            )
        )
    ]


CONVERTERS = [
    ("Relu", 1, _simple("relu")),
    ("Sigmoid", 1, _simple("sigmoid")),
    ("Tanh", 1, _simple("tanh")),
    ("Softplus", 1, _simple("soft_plus")),
    ("Softsign", 1, _simple("soft_sign")),
    ("HardSwish", 14, _simple("hswish")),
    ("Mish", 18, _simple("mish")),
    ("Clip", 1, clip),
    ("Elu", 1, elu),
    ("Selu", 1, selu),
    ("LeakyRelu", 1, leaky_relu),
    ("PRelu", 1, prelu),
    ("HardSigmoid", 1, hard_sigmoid),
    ("Gelu", 20, gelu),
    ("Celu", 12, celu),
    ("ThresholdedRelu", 10, thresholded_relu),
    ("Shrink", 9, shrink),
    ("Swish", 24, swish),
    ("Identity", 1, identity),
    ("Dropout", 1, dropout),
    ("IsInf", 10, is_inf),
    ("IsNaN", 9, _simple("is_nan")),
]
