"""GPU kernels: OpenCL C sources with launch metadata (``pyvino.OpenCLKernel`` contract).

One work item per complex output element. The transform is the direct DFT (O(N) per item),
which is fine for the signal lengths a custom layer sees; twiddles use ``(k * n) mod N`` so the
angle stays in [0, 2*pi) and single precision keeps its accuracy.
"""

from __future__ import annotations

import math

import numpy as np
from pyvino import KernelSpec, Op, OpenCLKernel, op_kernel

from pyvino_ext_fft.ops import FFT1, IFFT1, ComplexMultiply1

_GROUP = 64


def _complex_shape(node: Op, port: int | None = None) -> tuple[int, ...]:
    shape = node.get_output_partial_shape(0) if port is None else node.input_shape(port)
    return tuple(shape.to_shape())[:-1]


def _count(node: Op) -> int:
    return int(np.prod(_complex_shape(node), dtype=np.int64))


def _flat_launch(node: Op) -> tuple[int]:
    return (max(1, math.ceil(_count(node) / _GROUP)) * _GROUP,)


def _group(node: Op) -> tuple[int]:
    return (_GROUP,)


def _c_array(values: list[int]) -> str:
    return "{" + ", ".join(str(v) for v in values) + "}"


def _strides(in_shape: tuple[int, ...], out_shape: tuple[int, ...]) -> list[int]:
    """Complex-element strides of an input broadcast to ``out_shape`` (0 on broadcast axes)."""
    padded = (1,) * (len(out_shape) - len(in_shape)) + in_shape
    strides, step = [], 1
    for size in reversed(padded):
        strides.append(step if size != 1 else 0)
        step *= size
    return list(reversed(strides)) or [0]


def _multiply_defines(node: Op) -> dict[str, object]:
    out = _complex_shape(node)
    return {
        "TOTAL": _count(node),
        "RANK": max(len(out), 1),
        "OUT_DIMS": _c_array(list(out) or [1]),
        "A_STRIDES": _c_array(_strides(_complex_shape(node, 0), out)),
        "B_STRIDES": _c_array(_strides(_complex_shape(node, 1), out)),
    }


COMPLEX_MULTIPLY_SOURCE = """
__kernel void complex_multiply(__global DATA_T* out, __global const DATA_T* a,
                               __global const DATA_T* b) {
    const int o = get_global_id(0);
    if (o >= TOTAL) return;
    const int dims[RANK] = OUT_DIMS;
    const int sa[RANK] = A_STRIDES;
    const int sb[RANK] = B_STRIDES;
    int rem = o, ia = 0, ib = 0;
    for (int d = RANK - 1; d >= 0; --d) {
        const int c = rem % dims[d];
        rem /= dims[d];
        ia += c * sa[d];
        ib += c * sb[d];
    }
    const float ar = LOAD(a, 2 * ia), ai = LOAD(a, 2 * ia + 1);
    const float br = LOAD(b, 2 * ib), bi = LOAD(b, 2 * ib + 1);
    STORE(out, 2 * o, ar * br - ai * bi);
    STORE(out, 2 * o + 1, ar * bi + ai * br);
}
"""


def _transform_defines(node: Op) -> dict[str, object]:
    shape = _complex_shape(node)
    axis = node.complex_axis()
    n = shape[axis]
    return {
        "TOTAL": _count(node),
        "N": n,
        "INNER": int(np.prod(shape[axis + 1 :], dtype=np.int64)),
        "ANGLE": (1.0 if node.inverse else -1.0) * 2.0 * math.pi / max(n, 1),
        "SCALE": float(node.scale(n)),
    }


DFT_SOURCE = """
__kernel void dft(__global DATA_T* out, __global const DATA_T* x) {
    const int o = get_global_id(0);
    if (o >= TOTAL) return;
    const int inner = o % INNER;
    const int k = (o / INNER) % N;
    const int base = (o / (INNER * N)) * N * INNER + inner;
    float re = 0.0f, im = 0.0f;
    for (int n = 0; n < N; ++n) {
        const float angle = ANGLE * (float)((k * n) % N);
        const float c = cos(angle), s = sin(angle);
        const int i = 2 * (base + n * INNER);
        const float xr = LOAD(x, i), xi = LOAD(x, i + 1);
        re += xr * c - xi * s;
        im += xr * s + xi * c;
    }
    STORE(out, 2 * o, re * SCALE);
    STORE(out, 2 * o + 1, im * SCALE);
}
"""


def _fits(node: Op) -> bool:
    """Static shapes whose flat indices and ``k * n`` fit a 32-bit int."""
    shapes = [node.input_shape(i) for i in range(node.get_input_size())]
    if not all(s.is_static for s in shapes):
        return False
    largest = max(int(np.prod(s.to_shape(), dtype=np.int64)) for s in shapes)
    return largest < 2**31 and (
        node.type_name == "ComplexMultiply" or _complex_shape(node)[node.complex_axis()] < 46340
    )


COMPLEX_MULTIPLY = OpenCLKernel(
    "complex_multiply", COMPLEX_MULTIPLY_SOURCE, _flat_launch, _multiply_defines, _group, _fits
)
DFT = OpenCLKernel("dft", DFT_SOURCE, _flat_launch, _transform_defines, _group, _fits)

KERNELS: list[KernelSpec] = [
    op_kernel("GPU", ComplexMultiply1, COMPLEX_MULTIPLY),
    op_kernel("GPU", FFT1, DFT),
    op_kernel("GPU", IFFT1, DFT),
]
