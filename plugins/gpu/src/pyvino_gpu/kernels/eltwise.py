"""Elementwise ops as fused regions: the formulas, the epilogue code that conv/matmul/pool/...
kernels run before their store, and the standalone elementwise kernel.

A region is a list of ``FusedOp`` in topological order; op ``i`` writes register ``r{i+1}``;
``r0`` is the value the producing kernel computed (bias add, activation, residual add all read
it). Arguments are registers, external tensors (loaded at the broadcast index of the output
element) or literals.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pyvino_gpu.kernels._common import (
    KernelCode,
    TensorInfo,
    broadcast_index,
    flat_launch,
    lit,
    load,
    param,
    store,
)

Formula = Callable[[list[str], dict[str, Any]], str]


def _gelu(a: list[str], attrs: dict[str, Any]) -> str:
    x = a[0]
    if str(attrs.get("approximation_mode", "erf")).lower() == "tanh":
        return f"(0.5f * {x} * (1.0f + tanh(0.7978845608028654f * ({x} + 0.044715f * {x} * {x} * {x}))))"
    return f"(0.5f * {x} * (1.0f + erf({x} * 0.7071067811865476f)))"


def _power(a: list[str], attrs: dict[str, Any]) -> str:
    x, y = a
    if y == "2.0f":
        return f"({x} * {x})"
    if y == "0.5f":
        return f"sqrt({x})"
    if y == "1.0f":
        return x
    return f"pow({x}, {y})"


def _softplus(x: str) -> str:
    return f"({x} > 20.0f ? {x} : log1p(exp({x})))"


UNARY: dict[str, Formula] = {
    "Relu": lambda a, k: f"fmax({a[0]}, 0.0f)",
    "Clamp": lambda a, k: f"fmin(fmax({a[0]}, {lit(k['min'])}), {lit(k['max'])})",
    "Sigmoid": lambda a, k: f"(1.0f / (1.0f + exp(-{a[0]})))",
    "Tanh": lambda a, k: f"tanh({a[0]})",
    "Exp": lambda a, k: f"exp({a[0]})",
    "Log": lambda a, k: f"log({a[0]})",
    "Sqrt": lambda a, k: f"sqrt({a[0]})",
    "Abs": lambda a, k: f"fabs({a[0]})",
    "Negative": lambda a, k: f"(-{a[0]})",
    "Erf": lambda a, k: f"erf({a[0]})",
    "Floor": lambda a, k: f"floor({a[0]})",
    "Ceiling": lambda a, k: f"ceil({a[0]})",
    "Sin": lambda a, k: f"sin({a[0]})",
    "Cos": lambda a, k: f"cos({a[0]})",
    "Sign": lambda a, k: f"sign({a[0]})",
    "Elu": lambda a, k: f"({a[0]} > 0.0f ? {a[0]} : {lit(k['alpha'])} * (exp({a[0]}) - 1.0f))",
    "Gelu": _gelu,
    "HSwish": lambda a, k: f"({a[0]} * fmin(fmax({a[0]} + 3.0f, 0.0f), 6.0f) / 6.0f)",
    "HSigmoid": lambda a, k: f"(fmin(fmax({a[0]} + 3.0f, 0.0f), 6.0f) / 6.0f)",
    "Mish": lambda a, k: f"({a[0]} * tanh({_softplus(a[0])}))",
    "SoftPlus": lambda a, k: _softplus(a[0]),
    "SoftSign": lambda a, k: f"({a[0]} / (1.0f + fabs({a[0]})))",
    "Convert": lambda a, k: a[0],
    # BatchNormInference with constant statistics: x * scale + shift per channel (see below).
    "BatchNormInference": lambda a, k: f"mad({a[0]}, {a[1]}, {a[2]})",
    # Swish's optional beta is a constant input (a literal here).
    "Swish": lambda a, k: f"({a[0]} / (1.0f + exp(-{a[1] if len(a) > 1 else '1.0f'} * {a[0]})))",
}

BINARY: dict[str, Formula] = {
    "Add": lambda a, k: f"({a[0]} + {a[1]})",
    "Subtract": lambda a, k: f"({a[0]} - {a[1]})",
    "Multiply": lambda a, k: f"({a[0]} * {a[1]})",
    "Divide": lambda a, k: f"({a[0]} / {a[1]})",
    "Maximum": lambda a, k: f"fmax({a[0]}, {a[1]})",
    "Minimum": lambda a, k: f"fmin({a[0]}, {a[1]})",
    "Power": _power,
    "SquaredDifference": lambda a, k: f"(({a[0]} - {a[1]}) * ({a[0]} - {a[1]}))",
    "PRelu": lambda a, k: f"({a[0]} >= 0.0f ? {a[0]} : {a[0]} * {a[1]})",
}

# Inputs of these ops that must be compile-time scalars (they become literals).
SCALAR_INPUTS = {"Swish": (1,)}


@dataclass(frozen=True)
class Arg:
    """An operand: register ``r{index}``, external tensor ``e{index}`` or a literal ``value``."""

    kind: str  # "reg", "ext", "lit"
    index: int = 0
    value: float = 0.0


@dataclass(frozen=True)
class FusedOp:
    type_name: str
    attrs: dict[str, Any]
    args: tuple[Arg, ...]
    node: str = ""


@dataclass
class Region:
    """The fused elementwise ops applied to a kernel's value before it is stored."""

    shape: tuple[int, ...]
    ops: list[FusedOp] = field(default_factory=list)
    externals: list[TensorInfo] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.ops)

    def params(self) -> str:
        return "".join(f", {param(f'e{i}', t)}" for i, t in enumerate(self.externals))

    def code(self, index: str, value: str = "v") -> str:
        """C statements turning ``value`` (r0) into the region's result, in place."""
        if not self.ops:
            return ""
        lines = [f"{{ const float r0 = {value};"]
        lines += [f"  const float r{n + 1} = {self._expr(op, index)};"
                  for n, op in enumerate(self.ops)]
        lines.append(f"  {value} = r{len(self.ops)}; }}")
        return "\n".join(lines)

    def _expr(self, op: FusedOp, index: str) -> str:
        args = [self._arg(a, index) for a in op.args]
        formula = UNARY.get(op.type_name) or BINARY[op.type_name]
        return formula(args, op.attrs)

    def _arg(self, a: Arg, index: str) -> str:
        if a.kind == "reg":
            return f"r{a.index}"
        if a.kind == "lit":
            return lit(a.value)
        t = self.externals[a.index]
        return load(f"e{a.index}", t, broadcast_index(self.shape, t.shape, index))

    def names(self) -> tuple[str, ...]:
        return tuple(op.node for op in self.ops)


def exec_suffix(region: Region) -> str:
    kinds = [op.type_name.lower() for op in region.ops]
    return ("_" + "_".join(kinds[:4])) if kinds else ""


def eltwise_kernel(name: str, out: TensorInfo, region: Region) -> KernelCode:
    """A standalone elementwise kernel: every value comes from ``region`` (r0 unused)."""
    total = out.numel
    gsize, lsize = flat_launch(total, 256)
    src = f"""
__kernel void {name}({param('y', out, writable=True)}{region.params()}) {{
  const int o = get_global_id(0);
  if (o >= {total}) return;
  float v = 0.0f;
{region.code('o')}
  {store('y', out, 'o', 'v')}
}}
"""
    return KernelCode(name, src, gsize, lsize, "eltwise" + exec_suffix(region))


def prelu_slope_shape(data_shape: Sequence[int], slope_shape: Sequence[int]) -> tuple[int, ...]:
    """PRelu's 1-D slope of size C applies along axis 1 (OpenVINO), otherwise numpy rules."""
    if len(slope_shape) == 1 and len(data_shape) >= 2 and slope_shape[0] == data_shape[1] \
            and slope_shape[0] != 1:
        return (slope_shape[0],) + (1,) * (len(data_shape) - 2)
    return tuple(slope_shape)


def batchnorm_affine(node: Any, value_of: Callable[[int], Any]) -> tuple[int, Any, Any]:
    """(data port, scale, shift) of a BatchNormInference whose statistics are constants:
    y = x * scale + shift per channel, scale = gamma / sqrt(var + eps)."""
    import numpy as np

    data = 2 if node.op_version() == 1 else 0
    gamma, beta, mean, var = (np.asarray(value_of(p), np.float64)
                              for p in ((0, 1, 3, 4) if data == 2 else (1, 2, 3, 4)))
    scale = gamma / np.sqrt(var + node.attrs["epsilon"])
    rank = len(node.get_output_partial_shape(0))
    shape = (-1,) + (1,) * (rank - 2)
    return data, (scale).reshape(shape), (beta - mean * scale).reshape(shape)


def is_scalar_value(value: Any) -> bool:
    return value is not None and int(math.prod(getattr(value, "shape", ()))) == 1


# ----------------------------------------------------------------- op table entries
def lower_eltwise(lw: Any, node: Any, region: Region) -> list[TensorInfo]:
    """A standalone elementwise node (plus what fused after it): ``region`` starts with it."""
    out = lw.new(region.shape, node.get_output_element_type(0).name)
    code = eltwise_kernel(lw.kernel_name("eltwise"), out, region)
    lw.launch(code, [out], [], node, region)
    return [out]


def _supports(node: Any) -> bool:
    from pyvino_gpu.kernels._support import const_value, float_data

    if node.attrs.get("auto_broadcast", "numpy") not in ("numpy", "none"):
        return False
    for port in SCALAR_INPUTS.get(node.type_name, ()):
        if port < len(node.inputs) and not is_scalar_value(const_value(node, port)):
            return False
    if node.type_name == "Convert":  # any stored type in, a float type out
        return float_data(node, ())
    if node.type_name == "BatchNormInference":
        from pyvino_gpu.kernels._support import is_constant

        data = 2 if node.op_version() == 1 else 0
        params = [p for p in range(5) if p != data]
        return float_data(node, (data,)) and all(is_constant(node, p) for p in params)
    return float_data(node, tuple(range(len(node.inputs))))


LOWER = {name: lower_eltwise for name in (*UNARY, *BINARY)}
SUPPORTS = {name: _supports for name in (*UNARY, *BINARY)}
