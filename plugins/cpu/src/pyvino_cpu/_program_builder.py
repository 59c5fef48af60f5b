"""From elementwise graph nodes to an ``Eltwise`` kernel (``kernels.eltwise_program``).

Values are numbered in SSA form while emitting; ``finish`` maps them to as few block registers
as liveness allows (constants are pinned: they are filled once per thread).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from pyvino import Op, Output, Type

from pyvino_cpu._quantized import emit_fake_quantize, scalar_limits
from pyvino_cpu.kernels import eltwise as E
from pyvino_cpu.kernels.eltwise_program import BINARY, PARAMETRIC, UNARY, Eltwise, Program

ConstOf = Callable[[Output], "np.ndarray | None"]


def _static_f32(out: Output) -> bool:
    return out.element_type is Type.f32 and out.partial_shape.is_static


def fusable(node: Op, const_of: ConstOf) -> bool:
    """True if ``node`` is an f32 elementwise op the block program can run."""
    t = node.type_name
    if t == "FakeQuantize":
        return scalar_limits(node, const_of) is not None
    if t not in UNARY and t not in BINARY and t not in PARAMETRIC:
        return False
    if node.get_output_size() != 1 or not _static_f32(node.output(0)):
        return False
    if not all(_static_f32(i) for i in node.inputs):
        return False
    if node.attrs.get("auto_broadcast", "numpy") not in ("numpy", "none"):
        return False
    if t in ("Swish", "Selu", "HardSigmoid"):  # parameters must be known scalars
        return all(_scalar(const_of(i)) is not None for i in node.inputs[1:])
    return True


def _scalar(value: np.ndarray | None) -> float | None:
    return float(value.reshape(-1)[0]) if value is not None and value.size == 1 else None


class ProgramBuilder:
    """Emits SSA instructions ``[op, dst, a, b, p0, p1]`` for nodes, then allocates registers."""

    def __init__(self, out_shape: tuple[int, ...], const_of: ConstOf) -> None:
        self.out_shape = out_shape
        self.const_of = const_of
        self.code: list[list[Any]] = []
        self.value_of: dict[tuple[int, int], int] = {}
        self.sources: list[Any] = []
        self.shapes: list[tuple[int, ...]] = []
        self.consts: dict[float, int] = {}
        self.count = 0

    def _new(self) -> int:
        self.count += 1
        return self.count - 1

    def _emit(self, op: int, a: int, b: int | None = None, p0: float = 0.0, p1: float = 0.0) -> int:
        dst = self._new()
        self.code.append([op, dst, a, a if b is None else b, p0, p1])
        return dst

    def source(self, src: Any, shape: tuple[int, ...]) -> int:
        """LOAD an external operand (a graph Output or a constant array)."""
        self.sources.append(src)
        self.shapes.append(tuple(shape))
        v = self._new()
        self.code.append([E.LOAD, v, len(self.sources) - 1, 0, 0.0, 0.0])
        return v

    def const(self, value: float) -> int:
        if value not in self.consts:
            v = self._new()
            self.code.insert(0, [E.CONST, v, 0, 0, value, 0.0])
            self.consts[value] = v
        return self.consts[value]

    def operand(self, out: Output, shape: tuple[int, ...] | None = None) -> int:
        key = (id(out.node), out.index)
        if key in self.value_of:
            return self.value_of[key]
        value = self.const_of(out)
        if value is not None and value.size == 1:
            return self.const(float(value.reshape(-1)[0]))
        if value is not None:
            arr = np.ascontiguousarray(value, dtype=np.float32)
            v = self.source(arr.reshape(shape) if shape else arr, shape or arr.shape)
        else:
            v = self.source(out, shape or out.shape)
        self.value_of[key] = v
        return v

    def emit(self, node: Op) -> bool:
        """Append ``node``'s instructions; False if it cannot be expressed."""
        t, a = node.type_name, node.attrs
        x = node.inputs[0]
        if t in BINARY:
            v = self._emit(BINARY[t], self.operand(x), self.operand(node.inputs[1]))
        elif t in UNARY:
            v = self._emit(UNARY[t], self.operand(x))
        elif t == "Clamp":
            v = self._emit(E.CLAMP, self.operand(x), None, a["min"], a["max"])
        elif t == "Elu":
            v = self._emit(E.ELU, self.operand(x), None, a["alpha"])
        elif t == "Gelu":
            tanh = a.get("approximation_mode", "ERF") == "TANH"
            v = self._emit(E.GELU_TANH if tanh else E.GELU_ERF, self.operand(x))
        elif t == "Swish":
            beta = _scalar(self.const_of(node.inputs[1])) if len(node.inputs) > 1 else 1.0
            v = self._emit(E.SWISH, self.operand(x), None, beta or 0.0)
        elif t in ("Selu", "HardSigmoid"):
            p0, p1 = (_scalar(self.const_of(i)) for i in node.inputs[1:3])
            v = self._emit(E.SELU if t == "Selu" else E.HARDSIGMOID, self.operand(x), None, p0, p1)
        elif t == "PRelu":
            slope, xs = node.inputs[1], x.shape
            shape = slope.shape
            if len(shape) == 1 and len(xs) >= 2 and shape[0] == xs[1]:  # per channel
                shape = (1, shape[0]) + (1,) * (len(xs) - 2)
            v = self._emit(E.PRELU, self.operand(x), self.operand(slope, shape))
        elif t == "FakeQuantize":
            found = emit_fake_quantize(self, node)
            if found is None:
                return False
            v = found
        else:
            return False
        self.value_of[(id(node), 0)] = v
        return True

    def finish(self, result: Output) -> Program:
        """Register allocation by liveness; constants keep their registers."""
        res = self.value_of[(id(result.node), result.index)]
        last: dict[int, int] = {res: len(self.code)}
        for pc, (op, _, a, b, _, _) in enumerate(self.code):
            if op not in (E.LOAD, E.CONST):
                last[a] = max(last.get(a, pc), pc)
                last[b] = max(last.get(b, pc), pc)
        phys: dict[int, int] = {}
        free: list[int] = []
        nregs = 0
        code = []
        for pc, (op, dst, a, b, p0, p1) in enumerate(self.code):
            if free:
                phys[dst] = free.pop()
            else:
                phys[dst], nregs = nregs, nregs + 1
            if op not in (E.LOAD, E.CONST):
                a, b = phys[a], phys[b]
                # operands are freed after the destination is chosen: an instruction never
                # writes a register it reads (in-place loops defeat LLVM's alias checks)
                for v in {self.code[pc][2], self.code[pc][3]}:
                    if last.get(v) == pc and self.code_op(v) != E.CONST:
                        free.append(phys[v])
            code.append((op, phys[dst], a, b, p0, p1))
        return Program(self.out_shape, code, self.sources, self.shapes, nregs, phys[res])

    def code_op(self, v: int) -> int:
        return next(c[0] for c in self.code if c[1] == v)


def build_eltwise(
    members: list[Op], anchor: Op | None, out_shape: tuple[int, ...], const_of: ConstOf
) -> Eltwise | None:
    """The kernel computing ``members`` (topological order, the last is the result).

    ``anchor``: the node whose output buffer the epilogue updates in place (its value is
    loaded from the output buffer), or None for a standalone chain.
    """
    builder = ProgramBuilder(out_shape, const_of)
    if anchor is not None:
        builder.value_of[(id(anchor), 0)] = builder.source(anchor.output(0), out_shape)
    for node in members:
        if not builder.emit(node):
            return None
    return Eltwise.build(builder.finish(members[-1].output(0)))
