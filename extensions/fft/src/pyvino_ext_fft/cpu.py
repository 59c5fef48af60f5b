"""CPU kernels (``implementation(node, *inputs) -> tuple``): numpy's pocketfft, O(N log N).

The ops' ``evaluate`` is the O(N^2) definition; these are what the CPU device runs.
"""

from __future__ import annotations

import numpy as np
from pyvino import KernelSpec, Op, op_kernel

from pyvino_ext_fft.ops import FFT1, IFFT1, ComplexMultiply1


def as_complex(x: np.ndarray) -> np.ndarray:
    """A complex tensor from (real, imaginary) pairs: a view for f32/f64, a copy for f16."""
    if x.dtype in (np.float32, np.float64):
        complex_type = np.complex64 if x.dtype == np.float32 else np.complex128
        return np.ascontiguousarray(x).view(complex_type)[..., 0]
    return x[..., 0].astype(np.complex64) + 1j * x[..., 1].astype(np.complex64)


def as_pairs(z: np.ndarray, dtype: np.dtype) -> np.ndarray:
    return np.stack([z.real, z.imag], axis=-1).astype(dtype, copy=False)


def complex_multiply(node: Op, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, ...]:
    return (as_pairs(as_complex(a) * as_complex(b), a.dtype),)


def transform(node: Op, x: np.ndarray) -> tuple[np.ndarray, ...]:
    axis = node.complex_axis()
    fn = np.fft.ifft if node.inverse else np.fft.fft
    return (as_pairs(fn(as_complex(x), axis=axis, norm=node.attrs["norm"]), x.dtype),)


KERNELS: list[KernelSpec] = [
    op_kernel("CPU", ComplexMultiply1, complex_multiply),
    op_kernel("CPU", FFT1, transform),
    op_kernel("CPU", IFFT1, transform),
]
