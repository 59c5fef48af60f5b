"""Elementwise programs (see ``eltwise``): the op tables, operand collapsing and the kernel.

``pyvino_cpu._program_builder`` turns graph nodes into a ``Program``; ``collapse`` merges the
output dims with every operand's broadcast strides to at most 4 dims; ``Eltwise`` binds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from pyvino_cpu.kernels import Arrays, Kernel, Run
from pyvino_cpu.kernels import eltwise as E
from pyvino_cpu.kernels._jit import precompile

if TYPE_CHECKING:
    from pyvino_cpu._parallel import TaskPool

UNARY = {
    "Relu": E.RELU,
    "Sigmoid": E.SIGMOID,
    "Tanh": E.TANH,
    "Exp": E.EXP,
    "Log": E.LOG,
    "Sqrt": E.SQRT,
    "Erf": E.ERF,
    "Abs": E.ABS,
    "Negative": E.NEG,
    "Floor": E.FLOOR,
    "Ceiling": E.CEIL,
    "HSwish": E.HSWISH,
    "HSigmoid": E.HSIGMOID,
    "Mish": E.MISH,
    "SoftPlus": E.SOFTPLUS,
    "SoftSign": E.SOFTSIGN,
    "Sin": E.SIN,
    "Cos": E.COS,
}
BINARY = {
    "Add": E.ADD,
    "Subtract": E.SUB,
    "Multiply": E.MUL,
    "Divide": E.DIV,
    "Maximum": E.MAX,
    "Minimum": E.MIN,
    "Power": E.POW,
    "SquaredDifference": E.SQDIFF,
}
PARAMETRIC = {"Clamp", "Elu", "Gelu", "Swish", "PRelu", "Selu", "HardSigmoid"}
MAX_RANK = 4


def collapse(
    out_shape: tuple[int, ...], shapes: list[tuple[int, ...]], cols: int | None = None
) -> tuple[list[int], list[list[int]]] | None:
    """Output dims and per-operand element strides (0 = broadcast), merged to <= 4 dims.

    With ``cols``, the trailing output dims whose product is ``cols`` must become the last
    dim and nothing merges across them (so a kernel can run the program on column tiles).
    """
    rank = max(1, len(out_shape))
    dims = [1] * (rank - len(out_shape)) + list(out_shape)
    barrier = -1
    if cols is not None:
        tail = [i for i in range(rank + 1) if int(np.prod(dims[i:], dtype=np.int64)) == cols]
        if not tail:
            return None
        barrier = tail[-1]
    strides = []
    for shape in shapes:
        shape = (1,) * (rank - len(shape)) + tuple(shape)
        st, acc = [0] * rank, 1
        for d in range(rank - 1, -1, -1):
            st[d] = acc if shape[d] != 1 else 0
            acc *= shape[d]
        strides.append(st)
    keep_dims, keep_strides = [dims[-1]], [[s[-1]] for s in strides]
    for d in range(rank - 2, -1, -1):
        if dims[d] == 1 and d != barrier - 1:
            continue
        inner = keep_dims[0]
        if d != barrier - 1 and all(s[d] == ks[0] * inner for s, ks in zip(strides, keep_strides)):
            keep_dims[0] *= dims[d]  # contiguous with the dim inside it for every operand
            continue
        keep_dims.insert(0, dims[d])
        for s, ks in zip(strides, keep_strides):
            ks.insert(0, s[d])
    if len(keep_dims) > MAX_RANK or (cols is not None and keep_dims[-1] != cols):
        return None
    pad = MAX_RANK - len(keep_dims)
    return [1] * pad + keep_dims, [[0] * pad + ks for ks in keep_strides]


@dataclass
class Program:
    """A register program over external operands (``sources``: graph values or constants)."""

    out_shape: tuple[int, ...]
    code: list[tuple[int, int, int, int, float, float]] = field(default_factory=list)
    sources: list[Any] = field(default_factory=list)  # graph Output or np.ndarray constant
    shapes: list[tuple[int, ...]] = field(default_factory=list)
    nregs: int = 0
    result: int = 0


Block = Callable[[int, int, int, int], None]  # (row_lo, row_hi, col_lo, col_hi)


class Eltwise(Kernel):
    """Runs a Program; ``inputs`` are the arrays of its graph-value sources, in order."""

    exec_type = "jit_eltwise"

    def __init__(self, program: Program, dims: list[int], strides: list[list[int]]) -> None:
        self.p = program
        self.dims = np.array(dims, np.int64)
        self.rows, self.cols = int(np.prod(dims[:3])), int(dims[3])
        width = 4 if len(strides) <= 4 else 8 if len(strides) <= 8 else 16
        self.width = width
        self.strides = np.zeros((width, MAX_RANK), np.int64)
        self.strides[: len(strides)] = strides
        self.code = np.array([c[:4] for c in program.code], np.int64).reshape(-1, 4)
        self.params = np.array([c[4:] for c in program.code], np.float32).reshape(-1, 2)

    @classmethod
    def build(cls, program: Program, cols: int | None = None) -> Eltwise | None:
        """The kernel, optionally with ``cols`` as its last dim (see ``collapse``)."""
        found = collapse(program.out_shape, program.shapes, cols)
        return cls(program, *found) if found is not None else None

    def bind_block(self, inputs: list[np.ndarray], outputs: list[np.ndarray]) -> Block:
        """``block(r0, r1, c0, c1)`` runs the program on a block of rows x columns."""
        arrays, it = [], iter(inputs)
        for src in self.p.sources:
            a = src if isinstance(src, np.ndarray) else next(it)
            if not a.flags.c_contiguous:
                raise ValueError("eltwise operands must be C-contiguous")
            if not a.flags.writeable:  # one array type for the operand tuple: copy constants
                a = a.copy()
            arrays.append(a.reshape(-1))
        arrays += [np.zeros(1, np.float32)] * (self.width - len(arrays))
        operands = tuple(arrays)
        out = outputs[0].reshape(-1)
        args = (self.strides, self.dims, self.code, self.params, self.p.nregs, self.p.result)
        precompile(E.run_program, out, operands, *args, 0, 0, 0, 0)
        run = E.run_program
        return lambda r0, r1, c0, c1: run(out, operands, *args, r0, r1, c0, c1)

    def bind(self, inputs: Arrays, outputs: Arrays, scratch: Arrays, pool: TaskPool) -> Run:
        block, rows, cols = self.bind_block(inputs, outputs), self.rows, self.cols
        work = 4.0 * rows * cols * len(self.code)
        if rows >= 2 * pool.threads or rows * cols < 4 * E.BLOCK * pool.threads:
            return pool.split(rows, lambda r0, r1: block(r0, r1, 0, cols), 1, work=work)
        return pool.split(cols, lambda c0, c1: block(0, rows, c0, c1), E.BLOCK, work=work)
