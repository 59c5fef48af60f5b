"""Discrete Fourier transforms: DFT-7, IDFT-7 (complex to complex), RDFT-9 (real to complex) and
IRDFT-9 (complex to real).

Complex tensors follow OpenVINO's convention: a real tensor whose last dimension is 2 holds
(real, imaginary) pairs. Inputs: ``data``, ``axes`` (1-D, unique, any order; for the complex
inputs ``-(r-1) .. r-2`` with ``a < 0`` meaning ``r - 1 + a``, for RDFT ``-r .. r-1``) and an
optional ``signal_size`` per axis (``-1``: the axis' own size; larger: zero-pad at the end;
smaller: keep ``0:size``). RDFT keeps ``S // 2 + 1`` bins on its last axis; IRDFT rebuilds the
Hermitian-symmetric spectrum of ``S`` points there (default ``2 * (M - 1)``). Inverse transforms
scale by ``1 / prod(S)``. Evaluation is numpy's pocketfft, in complex64 for ``T`` up to f32
(like OpenVINO's ``complex<float>`` reference) and complex128 for f64.
"""

from __future__ import annotations

import numpy as np
from pyvino import Dimension, Op, PartialShape, Type

from pyvino_opsets._common import require_integer_type


class _FourierBase(Op):
    """Validation, shape inference and evaluation shared by the four transforms."""

    num_inputs = (2, 3)
    complex_input = True  # data ends in a (real, imaginary) axis of 2
    complex_output = True
    inverse = False

    # ---------------------------------------------------------------- validation
    def _signal_rank(self) -> int | None:
        """Rank of the signal (data rank without the complex axis), or None if unknown."""
        shape = self.input_shape(0)
        if not shape.rank_is_static:
            return None
        if self.complex_input:
            if len(shape) < 2 or not shape[-1].compatible(2):
                raise self.fail(
                    f"data must have rank >= 2 and a last (real, imaginary) dimension of 2, "
                    f"got shape {shape}"
                )
            return len(shape) - 1
        if len(shape) < 1:
            raise self.fail("data must have rank >= 1")
        return len(shape)

    def _check_inputs(self) -> None:
        t = self.input_type(0)
        if t is not Type.dynamic and not t.is_real:
            raise self.fail(f"data must have a floating-point element type, got {t.name}")
        for port, name in ((1, "axes"), (2, "signal_size")):
            if port >= len(self.inputs):
                continue
            require_integer_type(self.input_type(port), f"{name} (input {port})")
            shape = self.input_shape(port)
            if shape.rank_is_static and len(shape) != 1:
                raise self.fail(f"{name} (input {port}) must be 1-D, got shape {shape}")
        if len(self.inputs) == 3:
            axes, sizes = self.input_shape(1), self.input_shape(2)
            if axes.rank_is_static and sizes.rank_is_static and not axes[0].compatible(sizes[0]):
                raise self.fail(f"signal_size {sizes} must have as many elements as axes {axes}")

    def _axes(self, values: np.ndarray, rank: int) -> list[int]:
        axes = [int(a) for a in np.asarray(values).reshape(-1)]
        result = []
        for a in axes:
            if not -rank <= a < rank:
                raise self.fail(
                    f"axis {a} is out of range [{-rank}, {rank - 1}] for a signal of rank {rank}"
                )
            result.append(a + rank if a < 0 else a)
        if len(set(result)) != len(result):
            raise self.fail(f"axes {axes} must be unique")
        return result

    def _sizes(self, values: np.ndarray | None, count: int) -> list[int] | None:
        if values is None:
            return None
        sizes = [int(s) for s in np.asarray(values).reshape(-1)]
        if len(sizes) != count:
            raise self.fail(f"signal_size {sizes} must have one value per axis ({count})")
        if any(s < 1 and s != -1 for s in sizes):
            raise self.fail(f"signal_size {sizes} must hold positive sizes or -1")
        return sizes

    # ---------------------------------------------------------------- shapes
    def _out_dim(self, d: Dimension, size: int | None, last: bool) -> Dimension:
        """Output size of a transformed axis of input size ``d`` (``size``: -1 = default)."""
        raise NotImplementedError

    def infer(self) -> list[tuple[Type, PartialShape]]:
        self._check_inputs()
        t, rank = self.input_type(0), self._signal_rank()
        tail = [Dimension(2)] if self.complex_output else []
        if rank is None:
            return [(t, PartialShape.dynamic())]
        dims = list(self.input_shape(0))[:rank]
        axes_value = self.input_value(1)
        if axes_value is None:
            if len(self.inputs) == 2 and self.complex_input == self.complex_output:
                return [(t, PartialShape(dims + tail))]
            return [(t, PartialShape([Dimension()] * rank + tail))]
        axes = self._axes(axes_value, rank)
        has_sizes = len(self.inputs) == 3
        sizes = self._sizes(self.input_value(2), len(axes)) if has_sizes else [-1] * len(axes)
        for i, a in enumerate(axes):
            size = None if sizes is None else sizes[i]
            dims[a] = self._out_dim(dims[a], size, i == len(axes) - 1)
        return [(t, PartialShape(dims + tail))]

    # ---------------------------------------------------------------- evaluation
    def evaluate(
        self, data: np.ndarray, axes: np.ndarray, signal_size: np.ndarray | None = None
    ) -> tuple[np.ndarray, ...]:
        rank = data.ndim - 1 if self.complex_input else data.ndim
        if self.complex_input and (data.ndim < 2 or data.shape[-1] != 2):
            raise self.fail(f"data must end in a dimension of 2, got shape {data.shape}")
        ax = self._axes(axes, rank)
        given = self._sizes(signal_size, len(ax)) or [-1] * len(ax)
        # single precision for f32 and narrower (as OpenVINO's complex<float> reference), f64 else
        x = data.astype(np.float64 if data.dtype == np.float64 else np.float32)
        z = x[..., 0] + 1j * x[..., 1] if self.complex_input else x
        sizes = []
        for i, (a, n) in enumerate(zip(ax, given, strict=True)):
            sizes.append(self._default_size(z.shape[a], last=i == len(ax) - 1) if n == -1 else n)
        y = self.transform(z, sizes, ax)
        if self.complex_output:
            y = np.stack([y.real, y.imag], axis=-1)
        return (np.ascontiguousarray(y).astype(data.dtype),)

    def _default_size(self, n: int, last: bool) -> int:
        return n

    def transform(self, z: np.ndarray, sizes: list[int], axes: list[int]) -> np.ndarray:
        raise NotImplementedError


def _sized(d: Dimension, size: int | None) -> Dimension:
    if size is None:
        return Dimension()
    return d if size == -1 else Dimension(size)


class DFT7(_FourierBase):
    """DFT-7: complex-to-complex forward transform over ``axes``."""

    type_name = "DFT"
    version_id = "opset7"

    def _out_dim(self, d: Dimension, size: int | None, last: bool) -> Dimension:
        return _sized(d, size)

    def transform(self, z: np.ndarray, sizes: list[int], axes: list[int]) -> np.ndarray:
        return np.fft.fftn(z, s=sizes, axes=axes)


class IDFT7(DFT7):
    """IDFT-7: complex-to-complex inverse transform over ``axes``, scaled by ``1 / prod(S)``."""

    type_name = "IDFT"

    def transform(self, z: np.ndarray, sizes: list[int], axes: list[int]) -> np.ndarray:
        return np.fft.ifftn(z, s=sizes, axes=axes)


class RDFT9(_FourierBase):
    """RDFT-9: real-to-complex forward transform; the last of ``axes`` keeps ``S // 2 + 1``."""

    type_name = "RDFT"
    version_id = "opset9"
    complex_input = False

    def _out_dim(self, d: Dimension, size: int | None, last: bool) -> Dimension:
        full = _sized(d, size)
        if not last:
            return full
        return Dimension(full.min // 2 + 1) if full.is_static else Dimension()

    def transform(self, z: np.ndarray, sizes: list[int], axes: list[int]) -> np.ndarray:
        return np.fft.rfftn(z, s=sizes, axes=axes)


class IRDFT9(_FourierBase):
    """IRDFT-9: complex-to-real inverse transform; the last of ``axes`` holds ``M`` bins of a
    Hermitian-symmetric spectrum of ``S`` points (default ``2 * (M - 1)``)."""

    type_name = "IRDFT"
    version_id = "opset9"
    complex_output = False

    def _out_dim(self, d: Dimension, size: int | None, last: bool) -> Dimension:
        if last and size == -1:
            return Dimension(2 * (d.min - 1)) if d.is_static else Dimension()
        return _sized(d, size)

    def _default_size(self, n: int, last: bool) -> int:
        return 2 * (n - 1) if last else n

    def transform(self, z: np.ndarray, sizes: list[int], axes: list[int]) -> np.ndarray:
        if sizes[-1] < 1:
            raise self.fail(f"the last signal size must be positive, got {sizes[-1]}")
        return np.fft.irfftn(z, s=sizes, axes=axes)


OPS = [DFT7, IDFT7, RDFT9, IRDFT9]
