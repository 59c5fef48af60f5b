"""Fused elementwise chains: one numba kernel runs any chain as a small block program.

A program is a list of register instructions ``(opcode, dst, a, b)`` with float parameters.
The output (collapsed to at most 4 dims) is cut into blocks of ``BLOCK`` elements of its last
dim; for each block every instruction runs as a tight vectorizable loop over the block, so a
chain of n ops reads and writes memory once instead of n times, compiles once (``cache=True``)
for every model, and broadcasting operands (per-channel bias, per-row statistics, scalars) are
loaded per row. See ``eltwise_program`` for how nodes become programs.
"""

from __future__ import annotations

import math

import numpy as np

from pyvino_cpu.kernels._jit import kernel
from pyvino_cpu.kernels._math import erf32, exp32, sigmoid32, tanh32

BLOCK = 512
(
    LOAD,
    CONST,
    ADD,
    SUB,
    MUL,
    DIV,
    MAX,
    MIN,
    POW,
    SQDIFF,
    PRELU,
    RELU,
    CLAMP,
    SIGMOID,
    TANH,
    EXP,
    LOG,
    SQRT,
    ERF,
    ABS,
    NEG,
    FLOOR,
    CEIL,
    HSWISH,
    HSIGMOID,
    SWISH,
    GELU_ERF,
    GELU_TANH,
    ELU,
    MISH,
    SOFTPLUS,
    SOFTSIGN,
    SIN,
    COS,
    SELU,
    HARDSIGMOID,
    COPY,
    RINT,  # RINT, FQ_BELOW, FQ_ABOVE: FakeQuantize with scalar ranges (_quantized.py)
    FQ_BELOW,
    FQ_ABOVE,
) = range(40)


@kernel()
def _apply(op, d, a, b, p0, p1, n):  # noqa: ANN001, ANN201, C901, PLR0912
    """d[:n] = op(a[:n], b[:n]) with parameters p0, p1 (one loop per opcode, vectorizable)."""
    if op == ADD:
        for k in range(n):
            d[k] = a[k] + b[k]
    elif op == SUB:
        for k in range(n):
            d[k] = a[k] - b[k]
    elif op == MUL:
        for k in range(n):
            d[k] = a[k] * b[k]
    elif op == DIV:
        for k in range(n):
            d[k] = a[k] / b[k]
    elif op == MAX:
        for k in range(n):
            d[k] = max(a[k], b[k])
    elif op == MIN:
        for k in range(n):
            d[k] = min(a[k], b[k])
    elif op == POW:
        for k in range(n):
            d[k] = a[k] ** b[k]
    elif op == SQDIFF:
        for k in range(n):
            d[k] = (a[k] - b[k]) * (a[k] - b[k])
    elif op == PRELU:
        for k in range(n):
            d[k] = a[k] * b[k] if a[k] < 0 else a[k]
    elif op == RELU:
        for k in range(n):
            d[k] = max(a[k], np.float32(0.0))
    elif op == CLAMP:
        lo, hi = np.float32(p0), np.float32(p1)
        for k in range(n):
            d[k] = min(max(a[k], lo), hi)
    elif op == SIGMOID:
        for k in range(n):
            d[k] = sigmoid32(a[k])
    elif op == TANH:
        for k in range(n):
            d[k] = tanh32(a[k])
    elif op == EXP:
        for k in range(n):
            d[k] = exp32(a[k])
    elif op == LOG:
        for k in range(n):
            d[k] = math.log(a[k]) if a[k] > 0 else (-np.inf if a[k] == 0 else np.nan)
    elif op == SQRT:
        for k in range(n):
            d[k] = math.sqrt(a[k]) if a[k] >= 0 else np.nan
    elif op == ERF:
        for k in range(n):
            d[k] = erf32(a[k])
    elif op == ABS:
        for k in range(n):
            d[k] = abs(a[k])
    elif op == NEG:
        for k in range(n):
            d[k] = -a[k]
    elif op == FLOOR:
        for k in range(n):
            d[k] = math.floor(a[k])
    elif op == CEIL:
        for k in range(n):
            d[k] = math.ceil(a[k])
    elif op == HSWISH:
        for k in range(n):
            d[k] = a[k] * min(max(a[k] + 3.0, 0.0), 6.0) / 6.0
    elif op == HSIGMOID:
        for k in range(n):
            d[k] = min(max(a[k] + 3.0, 0.0), 6.0) / 6.0
    elif op == SWISH:
        for k in range(n):
            d[k] = a[k] * sigmoid32(p0 * a[k])
    elif op == GELU_ERF:
        for k in range(n):
            d[k] = np.float32(0.5) * a[k] * (np.float32(1.0) + erf32(a[k] * np.float32(0.70710677)))
    elif op == GELU_TANH:
        for k in range(n):
            x = a[k]
            inner = np.float32(0.7978846) * (x + np.float32(0.044715) * x * x * x)
            d[k] = np.float32(0.5) * x * (np.float32(1.0) + tanh32(inner))
    elif op == ELU:
        for k in range(n):
            d[k] = a[k] if a[k] > 0 else p0 * math.expm1(a[k])
    elif op == MISH:
        for k in range(n):
            x = a[k]
            sp = max(x, 0.0) + math.log1p(math.exp(-abs(x)))
            d[k] = x * tanh32(sp)
    elif op == SOFTPLUS:
        for k in range(n):
            d[k] = max(a[k], 0.0) + math.log1p(math.exp(-abs(a[k])))
    elif op == SOFTSIGN:
        for k in range(n):
            d[k] = a[k] / (1.0 + abs(a[k]))
    elif op == SIN:
        for k in range(n):
            d[k] = math.sin(a[k])
    elif op == COS:
        for k in range(n):
            d[k] = math.cos(a[k])
    elif op == SELU:
        for k in range(n):
            d[k] = p1 * (a[k] if a[k] > 0 else p0 * math.expm1(a[k]))
    elif op == HARDSIGMOID:
        for k in range(n):
            d[k] = min(max(p0 * a[k] + p1, 0.0), 1.0)
    elif op == COPY:
        for k in range(n):
            d[k] = a[k]
    elif op == RINT:  # half to even
        for k in range(n):
            d[k] = np.rint(a[k])
    elif op == FQ_BELOW:
        for k in range(n):
            d[k] = p1 if a[k] <= p0 else b[k]
    elif op == FQ_ABOVE:
        for k in range(n):
            d[k] = p1 if a[k] > p0 else b[k]


@kernel()
def run_program(
    out,
    operands,
    strides,
    dims,
    program,
    params,
    nregs,
    result,  # noqa: ANN001, ANN201
    r_lo,
    r_hi,
    c_lo,
    c_hi,
):
    """out (flat, dims-shaped) = program over ``operands`` (flat, broadcast by ``strides``),
    for rows [r_lo, r_hi) of the first three dims and columns [c_lo, c_hi) of the last."""
    length = dims[3]
    regs = np.empty((nregs, BLOCK + 16), np.float32)  # rows not 4 KiB apart (aliasing stalls)
    for pc in range(program.shape[0]):  # constants: filled once per call
        if program[pc, 0] == CONST:
            regs[program[pc, 1], :] = params[pc, 0]
    for row in range(r_lo, r_hi):
        i2 = row % dims[2]
        i1 = (row // dims[2]) % dims[1]
        i0 = row // (dims[2] * dims[1])
        for c0 in range(c_lo, c_hi, BLOCK):
            n = min(BLOCK, c_hi - c0)
            for pc in range(program.shape[0]):
                op, d, a, b = program[pc, 0], program[pc, 1], program[pc, 2], program[pc, 3]
                if op == LOAD:
                    s = strides[a]
                    base = i0 * s[0] + i1 * s[1] + i2 * s[2] + c0 * s[3]
                    dst, src, step = regs[d], operands[a][base:], s[3]
                    if step == 0:
                        v = src[0]
                        for k in range(n):
                            dst[k] = v
                    elif step == 1:
                        for k in range(n):
                            dst[k] = src[k]
                    else:
                        for k in range(n):
                            dst[k] = src[k * step]
                elif op != CONST:
                    _apply(op, regs[d], regs[a], regs[b], params[pc, 0], params[pc, 1], n)
            dst, res = out[row * length + c0 :], regs[result]
            for k in range(n):
                dst[k] = res[k]
