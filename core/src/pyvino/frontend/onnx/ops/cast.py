"""Type conversion: Cast and CastLike (OpenVINO Convert / ConvertLike)."""

from __future__ import annotations

import ml_dtypes
from onnx import TensorProto

from pyvino._node import Output
from pyvino._types import Type
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx._types import UnsupportedTypeError, element_type
from pyvino.frontend.onnx.ops._common import i64, out


def _check(ctx: NodeContext, src: Type, dst: Type) -> None:
    if Type.string in (src, dst) and src is not dst:
        raise ctx.fail(
            f"casting between {src.name} and {dst.name} is not supported (string tensors)"
        )


_WRAPPED = {Type.u4: (16, 0), Type.i4: (16, 8), Type.u2: (4, 0)}  # modulus, offset
_FLOAT8 = {
    Type.f8e4m3: float(ml_dtypes.finfo(ml_dtypes.float8_e4m3fn).max),
    Type.f8e5m2: float(ml_dtypes.finfo(ml_dtypes.float8_e5m2).max),
}


def convert_to(ctx: NodeContext, x: Output, t: Type, saturate: bool = True) -> Output:
    """ONNX Cast semantics: sub-byte integers wrap around, float8 saturates unless told not to."""
    if x.element_type is t:
        return x
    if t in _WRAPPED and x.element_type not in _WRAPPED:
        modulus, offset = _WRAPPED[t]
        v = out(ctx.ops.convert(x, destination_type="i64"))
        v = out(ctx.ops.floor_mod(out(ctx.ops.add(v, i64(offset))), i64(modulus)))
        x = out(ctx.ops.subtract(v, i64(offset))) if offset else v
    elif t in _FLOAT8 and saturate and x.element_type.is_real:
        x = out(ctx.ops.clamp(x, min=-_FLOAT8[t], max=_FLOAT8[t]))
    return out(ctx.ops.convert(x, destination_type=t))


def cast(ctx: NodeContext) -> list[Output]:
    x = ctx.input(0)
    to = ctx.attr("to")
    try:
        if isinstance(to, str):  # Cast-1 names the type: "FLOAT"
            to = TensorProto.DataType.Value(to.upper())
        t = element_type(to)
    except (UnsupportedTypeError, ValueError) as exc:
        raise ctx.fail(f"attribute 'to': {exc}") from None
    _check(ctx, x.element_type, t)
    return [convert_to(ctx, x, t, bool(ctx.attr("saturate", 1)))]


def cast_like(ctx: NodeContext) -> list[Output]:
    x, like = ctx.input(0), ctx.input(1)
    _check(ctx, x.element_type, like.element_type)
    t = like.element_type
    if t in _WRAPPED or t in _FLOAT8:
        return [convert_to(ctx, x, t, bool(ctx.attr("saturate", 1)))]
    if x.element_type is t:
        return [x]
    return [out(ctx.ops.convert_like(x, like))]


CONVERTERS = [
    ("Cast", 1, cast),
    ("CastLike", 15, cast_like),
]
