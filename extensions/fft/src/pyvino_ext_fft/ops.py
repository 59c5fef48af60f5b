"""The custom ops, in the ``extension`` opset (IR ``version="extension"``).

Complex tensors follow OpenVINO's DFT convention: a real tensor whose last dimension is 2
holds (real, imaginary) pairs, so a complex tensor of shape ``S`` is a real one of ``S + [2]``.
``evaluate`` is the reference: the DFT by its definition (a matrix product), independent of
``numpy.fft`` which the CPU kernel uses and the tests compare with.
"""

from __future__ import annotations

import numpy as np
from pyvino import INT, Attr, Dimension, Op, PartialShape, Type, enum

FLOAT_TYPES = (Type.f16, Type.f32, Type.f64)
NORM = enum("backward", "ortho", "forward")


def complex_rank(op: Op, port: int) -> int | None:
    """Rank of input ``port`` seen as complex (its last dimension must be 2), or None."""
    if op.input_type(port) not in FLOAT_TYPES and op.input_type(port) is not Type.dynamic:
        raise op.fail(f"input {port} must be f16, f32 or f64, got {op.input_type(port).name}")
    shape = op.input_shape(port)
    if not shape.rank_is_static:
        return None
    if len(shape) < 1 or not shape[-1].compatible(2):
        raise op.fail(
            f"input {port} must have a last dimension of 2 (real, imaginary), got shape {shape}"
        )
    return len(shape) - 1


def _broadcast(a: Dimension, b: Dimension) -> Dimension:
    if a == 1:
        return b
    if b == 1 or a == b:
        return a
    if a.is_static and b.is_static:
        raise ValueError(f"dimensions {a} and {b} cannot be broadcast together")
    return a if a.is_static else b if b.is_static else Dimension.dynamic()


class ComplexMultiply1(Op):
    """Elementwise complex product ``a * b``, numpy-broadcast over the complex dimensions."""

    type_name = "ComplexMultiply"
    version_id = "extension"
    num_inputs = 2

    def infer(self) -> list[tuple[Type, PartialShape]]:
        ra, rb = complex_rank(self, 0), complex_rank(self, 1)
        if self.input_type(0) != self.input_type(1):
            raise self.fail(
                f"inputs must have one element type, got {self.input_type(0).name} "
                f"and {self.input_type(1).name}"
            )
        if ra is None or rb is None:
            return [(self.input_type(0), PartialShape(None))]
        a, b = list(self.input_shape(0))[:-1], list(self.input_shape(1))[:-1]
        n = max(len(a), len(b))
        a = [Dimension(1)] * (n - len(a)) + a
        b = [Dimension(1)] * (n - len(b)) + b
        return [
            (
                self.input_type(0),
                PartialShape([_broadcast(x, y) for x, y in zip(a, b, strict=True)] + [2]),
            )
        ]

    def evaluate(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, ...]:
        ar, ai, br, bi = a[..., 0], a[..., 1], b[..., 0], b[..., 1]
        out = np.stack([ar * br - ai * bi, ar * bi + ai * br], axis=-1)
        return (out.astype(a.dtype),)


class _Transform(Op):
    """FFT / IFFT over one complex axis; ``norm`` as numpy's (backward, ortho, forward)."""

    version_id = "extension"
    num_inputs = 1
    attributes = (Attr("axis", INT, -1), Attr("norm", NORM, "backward"))
    inverse = False

    def complex_axis(self) -> int:
        """The transformed axis of the input tensor (non-negative, never the pair axis)."""
        rank = complex_rank(self, 0)
        if rank is None:
            raise self.fail("the input rank must be static")
        axis = self.attrs["axis"]
        if not -rank <= axis < rank:
            raise self.fail(
                f"attribute 'axis' {axis} is out of range for a complex tensor of "
                f"rank {rank} (expected {-rank}..{rank - 1})"
            )
        return axis % rank

    def infer(self) -> list[tuple[Type, PartialShape]]:
        self.complex_axis()
        return [(self.input_type(0), self.input_shape(0))]

    def scale(self, n: int) -> float:
        norm = self.attrs["norm"]
        if norm == "ortho":
            return 1.0 / np.sqrt(n) if n else 1.0
        applies = (norm == "backward") == self.inverse
        return 1.0 / n if applies and n else 1.0

    def evaluate(self, x: np.ndarray) -> tuple[np.ndarray, ...]:
        axis = self.complex_axis()
        z = np.moveaxis(x[..., 0].astype(np.float64) + 1j * x[..., 1].astype(np.float64), axis, -1)
        n = z.shape[-1]
        k = np.arange(n)
        sign = 1.0 if self.inverse else -1.0
        dft = np.exp(sign * 2j * np.pi * (np.outer(k, k) % max(n, 1)) / max(n, 1))
        y = np.moveaxis(z @ dft.T * self.scale(n), -1, axis)
        return (np.stack([y.real, y.imag], axis=-1).astype(x.dtype),)


class FFT1(_Transform):
    """Forward discrete Fourier transform over complex axis ``axis``."""

    type_name = "FFT"


class IFFT1(_Transform):
    """Inverse discrete Fourier transform over complex axis ``axis``."""

    type_name = "IFFT"
    inverse = True


OPS: list[type[Op]] = [ComplexMultiply1, FFT1, IFFT1]
