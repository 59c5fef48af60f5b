"""What every kernel generator shares: generated-kernel record, typed loads/stores, literals and
index arithmetic over static shapes.

Float tensors are stored as ``float`` (f32 inference) or ``half`` (f16 inference); half values
are read with ``vload_half`` and written with ``vstore_half`` (core OpenCL, no cl_khr_fp16
needed) and all arithmetic is done in float, so f16 means f16 storage with f32 accumulation.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# Storage C type -> numpy dtype of the host copy.
NUMPY_OF_CTYPE: dict[str, np.dtype] = {
    "half": np.dtype(np.float16),
    "float": np.dtype(np.float32),
    "long": np.dtype(np.int64),
    "int": np.dtype(np.int32),
    "short": np.dtype(np.int16),
    "char": np.dtype(np.int8),
    "ulong": np.dtype(np.uint64),
    "uint": np.dtype(np.uint32),
    "ushort": np.dtype(np.uint16),
    "uchar": np.dtype(np.uint8),
}
# Type name -> storage C type of non-float tensors.
INT_CTYPES = {"i64": "long", "i32": "int", "i16": "short", "i8": "char", "u64": "ulong",
              "u32": "uint", "u16": "ushort", "u8": "uchar", "boolean": "uchar"}
FLOAT_TYPES = ("f32", "f16", "bf16")


@dataclass(frozen=True)
class KernelCode:
    """One generated kernel: its OpenCL C ``source`` and how to launch it."""

    name: str
    source: str
    global_size: tuple[int, ...]
    local_size: tuple[int, ...] | None
    exec_type: str


@dataclass(frozen=True)
class TensorInfo:
    """A tensor of the lowered model: static ``shape``, model element type, storage C type.

    ``buffer`` is the logical buffer (views share their source's); ``kind`` is activation,
    weight (uploaded once) or host (a constant model output, never on the device).
    """

    id: int
    shape: tuple[int, ...]
    etype: str
    ctype: str
    buffer: int
    kind: str = "activation"

    @property
    def numel(self) -> int:
        return int(math.prod(self.shape))

    @property
    def nbytes(self) -> int:
        return self.numel * NUMPY_OF_CTYPE[self.ctype].itemsize

    @property
    def is_float(self) -> bool:
        return self.ctype in ("half", "float")


def raw_ctype(ctype: str) -> str:
    """The C type to move a stored element without converting it (half moves as ushort)."""
    return "ushort" if ctype == "half" else ctype


def param(name: str, t: TensorInfo, writable: bool = False, raw: bool = False) -> str:
    """A kernel parameter declaration for tensor ``t``."""
    ctype = raw_ctype(t.ctype) if raw else t.ctype
    const = "" if writable else "const "
    return f"__global {const}{ctype}* restrict {name}"


def load(name: str, t: TensorInfo, index: str) -> str:
    """A float-valued C expression reading element ``index`` of tensor ``t``."""
    if t.ctype == "half":
        return f"vload_half({index}, {name})"
    if t.ctype == "float":
        return f"{name}[{index}]"
    return f"(float)({name}[{index}])"


def store(name: str, t: TensorInfo, index: str, value: str) -> str:
    """A C statement writing float ``value`` to element ``index`` of tensor ``t``."""
    if t.ctype == "half":
        return f"vstore_half({value}, {index}, {name});"
    if t.ctype == "float":
        return f"{name}[{index}] = {value};"
    return f"{name}[{index}] = convert_{t.ctype}_sat_rte({value});"


def lit(value: float) -> str:
    """A float literal for OpenCL C."""
    v = float(value)
    if math.isnan(v):
        return "NAN"
    if math.isinf(v):
        return "INFINITY" if v > 0 else "(-INFINITY)"
    text = repr(v)
    if "e" not in text and "." not in text:
        text += ".0"
    return f"{text}f" if v >= 0 else f"({text}f)"


def strides(shape: Sequence[int]) -> list[int]:
    out = [1] * len(shape)
    for i in range(len(shape) - 2, -1, -1):
        out[i] = out[i + 1] * shape[i + 1]
    return out


def coord(var: str, stride: int, size: int, outermost: bool = False) -> str:
    """C expression of one coordinate of a flat index: ``(var / stride) % size``."""
    expr = var if stride == 1 else f"({var} / {stride})"
    return expr if outermost else f"({expr} % {size})"


def broadcast_index(out_shape: Sequence[int], in_shape: Sequence[int], var: str) -> str:
    """C expression: the flat index into ``in_shape`` (numpy-broadcast to ``out_shape``) of the
    element at flat index ``var`` of ``out_shape``. Runs of axes are merged first, so a
    per-channel bias on NCHW becomes ``((o / HW) % C)`` and an equal shape just ``o``."""
    out_shape = [int(d) for d in out_shape]
    in_shape = [1] * (len(out_shape) - len(in_shape)) + [int(d) for d in in_shape]
    runs: list[list[int]] = []  # [size, kept (1) or broadcast (0)]
    for o, i in zip(out_shape, in_shape):
        if o == 1:
            continue
        kept = int(i != 1)
        if runs and runs[-1][1] == kept:
            runs[-1][0] *= o
        else:
            runs.append([o, kept])
    if all(kept for _, kept in runs):
        return var
    terms = []
    out_stride, in_stride = 1, 1
    for size, kept in reversed(runs):
        if kept:
            outer = out_stride * size == math.prod(out_shape)
            c = coord(var, out_stride, size, outermost=outer)
            terms.append(c if in_stride == 1 else f"{c} * {in_stride}")
            in_stride *= size
        out_stride *= size
    return "(" + " + ".join(reversed(terms)) + ")" if terms else "0"


def round_up(n: int, multiple: int) -> int:
    return (n + multiple - 1) // multiple * multiple


def flat_launch(total: int, group: int = 128) -> tuple[tuple[int], tuple[int]]:
    """(global, local) sizes of a 1-D launch over ``total`` items (kernels guard the tail)."""
    group = max(1, min(group, 1 << max(0, (total - 1).bit_length())))
    return (round_up(total, group),), (group,)


def defines(values: dict[str, object]) -> tuple[str, str]:
    """(#define block, #undef block) for a kernel's static constants."""
    head = "".join(f"#define {k} {v}\n" for k, v in values.items())
    tail = "".join(f"#undef {k}\n" for k in values)
    return head, tail
