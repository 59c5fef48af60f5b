"""DFT-7, IDFT-7, RDFT-9 and IRDFT-9 against the spec's sums (explicit DFT matrices, no FFT),
the spec's shape examples and ONNX's DFT."""

from __future__ import annotations

import numpy as np
import pytest
from pyvino import Constant, OpValidationError, Parameter, Type
from pyvino_opsets.dft import DFT7, IDFT7, IRDFT9, RDFT9

RNG = np.random.default_rng(7)


def dft_by_definition(z: np.ndarray, axis: int, size: int, inverse: bool) -> np.ndarray:
    """One axis of the spec's sum: trim or zero-pad to ``size``, multiply by exp(-+2 pi i mj/S)."""
    z = np.moveaxis(z, axis, -1)[..., :size]
    z = np.concatenate([z, np.zeros((*z.shape[:-1], size - z.shape[-1]))], axis=-1)
    j = np.arange(size)
    sign = 1 if inverse else -1
    matrix = np.exp(sign * 2j * np.pi * np.outer(j, j) / size)
    y = z @ matrix.T / (size if inverse else 1)
    return np.moveaxis(y, -1, axis)


def as_complex(x: np.ndarray) -> np.ndarray:
    return x[..., 0].astype(np.float64) + 1j * x[..., 1]


def as_pairs(z: np.ndarray) -> np.ndarray:
    return np.stack([z.real, z.imag], axis=-1)


def build(cls, x: np.ndarray, axes, sizes=None):
    inputs = [Parameter(Type.get(x.dtype), x.shape), Constant(np.array(axes, np.int64))]
    if sizes is not None:
        inputs.append(Constant(np.array(sizes, np.int32)))
    node = cls(inputs)
    args = [x, np.array(axes)] + ([np.array(sizes)] if sizes is not None else [])
    (out,) = node.evaluate(*args)
    assert node.get_output_partial_shape(0).to_shape() == out.shape
    assert out.dtype == x.dtype
    return out


@pytest.mark.parametrize(
    "axes, sizes",
    [([1], None), ([0, 2], None), ([2, 0], [3, 6]), ([-1, 1], [-1, 2]), ([1], [7])],
)
@pytest.mark.parametrize("cls, inverse", [(DFT7, False), (IDFT7, True)])
def test_complex_transforms_match_the_definition(cls, inverse, axes, sizes):
    x = RNG.standard_normal((4, 5, 3, 2))
    got = build(cls, x, axes, sizes)
    want = as_complex(x)
    for i, a in enumerate(axes):
        a = a % 3
        n = x.shape[a] if sizes is None or sizes[i] == -1 else sizes[i]
        want = dft_by_definition(want, a, n, inverse)
    np.testing.assert_allclose(got, as_pairs(want), atol=1e-10)


def test_rdft_matches_the_definition_and_keeps_half_of_its_last_axis():
    x = RNG.standard_normal((3, 6, 5))
    got = build(RDFT9, x, [2, 1], [8, -1])  # axis 2 padded to 8; axis 1 (last listed) halved
    full = dft_by_definition(dft_by_definition(x.astype(complex), 2, 8, False), 1, 6, False)
    assert got.shape == (3, 4, 8, 2)  # 6 // 2 + 1 bins on axis 1
    np.testing.assert_allclose(got, as_pairs(full[:, :4]), atol=1e-10)


@pytest.mark.parametrize("last", [None, 8, 7, 4])
def test_irdft_inverts_a_hermitian_spectrum(last):
    signal = RNG.standard_normal((2, 4, 8))
    spectrum = build(RDFT9, signal, [1, 2])  # [2, 4, 5, 2]
    sizes = None if last is None else [-1, last]
    got = build(IRDFT9, spectrum, [1, 2], sizes)
    n = 8 if last is None else last
    # the spec: take S // 2 + 1 bins (zero-padded), mirror their conjugates, inverse DFT, real part
    z = as_complex(spectrum)
    z = dft_by_definition(z, 1, 4, inverse=True)
    half = n // 2 + 1
    bins = np.concatenate([z, np.zeros((2, 4, max(half - 5, 0)))], axis=-1)[..., :half]
    full = np.zeros((2, 4, n), complex)
    full[..., :half] = bins
    for j in range(1, n - half + 1):
        full[..., n - j] = np.conj(bins[..., j])
    want = dft_by_definition(full, 2, n, inverse=True).real
    assert got.shape == (2, 4, n)
    np.testing.assert_allclose(got, want, atol=1e-10)
    if last is None:
        np.testing.assert_allclose(got, signal, atol=1e-10)


@pytest.mark.parametrize("inverse, onesided", [(0, 0), (1, 0), (0, 1)])
def test_single_axis_matches_onnx_dft(onnx_ref, inverse, onesided):
    x = RNG.standard_normal((2, 8, 3, 1)).astype(np.float32)
    (want,) = onnx_ref(
        "DFT", [x, None, np.array(1, np.int64)], inverse=inverse, onesided=onesided, opset=20
    )
    if onesided:
        got = build(RDFT9, x[..., 0], [1])
    else:
        pairs = np.concatenate([x, np.zeros_like(x)], axis=-1)
        got = build(IDFT7 if inverse else DFT7, pairs, [1])
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_spec_shape_examples():
    def shape(cls, data, axes, sizes=None):
        inputs = [Parameter(Type.f32, data), Constant(np.array(axes, np.int64))]
        if sizes is not None:
            inputs.append(Constant(np.array(sizes, np.int64)))
        return list(cls(inputs).get_output_partial_shape(0).to_shape())

    big = [16, 768, 580, 320]
    assert shape(DFT7, big + [2], [3, 1, 2], [170, -1, 1024]) == [16, 768, 1024, 170, 2]
    assert shape(RDFT9, big, [3, 1, 2], [170, -1, 1024]) == [16, 768, 513, 170, 2]
    assert shape(RDFT9, [1, 320, 320], [1, 2], [512, 100]) == [1, 512, 51, 2]
    assert shape(IRDFT9, [1, 161, 161, 2], [1, 2]) == [1, 161, 320]
    assert shape(IRDFT9, big + [2], [3, 0, 2], [258, -1, 2056]) == [16, 768, 2056, 258]


def test_runtime_axes_and_invalid_inputs():
    runtime_axes = DFT7([Parameter(Type.f32, [4, 5, 2]), Parameter(Type.i64, [1])])
    assert str(runtime_axes.get_output_partial_shape(0)) == "[4,5,2]"
    rdft = RDFT9([Parameter(Type.f32, [4, 5]), Parameter(Type.i64, [1])])
    assert str(rdft.get_output_partial_shape(0)) == "[?,?,2]"
    axes = Constant(np.array([0], np.int64))
    with pytest.raises(OpValidationError, match="last .* dimension of 2"):
        DFT7([Parameter(Type.f32, [4, 3]), axes])
    with pytest.raises(OpValidationError, match="floating-point"):
        DFT7([Parameter(Type.i32, [4, 2]), axes])
    with pytest.raises(OpValidationError, match="out of range"):
        IDFT7([Parameter(Type.f32, [4, 2]), Constant(np.array([1], np.int64))])
    with pytest.raises(OpValidationError, match="unique"):
        DFT7([Parameter(Type.f32, [4, 4, 2]), Constant(np.array([0, -2], np.int64))])
    with pytest.raises(OpValidationError, match="as many elements as axes"):
        DFT7([Parameter(Type.f32, [4, 4, 2]), axes, Constant(np.array([2, 2], np.int64))])
