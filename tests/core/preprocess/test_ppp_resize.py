"""Resize (Interpolate-11, half-pixel) against hand-written numpy resamplers."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import Core, Model
from pyvino.preprocess import Layout, PrePostProcessor, ResizeAlgorithm

RNG = np.random.default_rng(3)


def identity_model(h: int | str, w: int | str) -> Model:
    ops = pyvino.opset15
    x = ops.parameter([1, 2, h, w], "f32", name="x")
    return Model([ops.multiply(x, np.float32(1.0))], [x], "identity")


def coords(n_in: int, n_out: int) -> np.ndarray:
    return (np.arange(n_out) + 0.5) * n_in / n_out - 0.5


def nearest_matrix(n_in: int, n_out: int) -> np.ndarray:
    c = coords(n_in, n_out)
    idx = np.where(c - np.floor(c) == 0.5, np.floor(c), np.floor(c + 0.5))  # halves go down
    m = np.zeros((n_out, n_in))
    m[np.arange(n_out), np.clip(idx, 0, n_in - 1).astype(int)] = 1
    return m


def linear_matrix(n_in: int, n_out: int) -> np.ndarray:
    c = np.clip(coords(n_in, n_out), 0, n_in - 1)
    i0 = np.floor(c).astype(int)
    i1 = np.minimum(i0 + 1, n_in - 1)
    m = np.zeros((n_out, n_in))
    np.add.at(m, (np.arange(n_out), i0), 1 - (c - i0))
    np.add.at(m, (np.arange(n_out), i1), c - i0)
    return m


def cubic_matrix(n_in: int, n_out: int, a: float = -0.75) -> np.ndarray:
    def keys(t: np.ndarray) -> np.ndarray:
        t = np.abs(t)
        return np.where(t <= 1, (a + 2) * t**3 - (a + 3) * t**2 + 1,
                        np.where(t < 2, a * t**3 - 5 * a * t**2 + 8 * a * t - 4 * a, 0.0))

    c = coords(n_in, n_out)
    m = np.zeros((n_out, n_in))
    for k in range(-1, 3):
        j = np.floor(c).astype(int) + k
        np.add.at(m, (np.arange(n_out), np.clip(j, 0, n_in - 1)), keys(c - j))
    return m


def resample(x: np.ndarray, matrix, oh: int, ow: int) -> np.ndarray:
    mh, mw = matrix(x.shape[2], oh), matrix(x.shape[3], ow)
    return np.einsum("oh,nchw,pw->ncop", mh, x.astype(np.float64), mw)


def run(alg: ResizeAlgorithm, x: np.ndarray, oh: int, ow: int, device: str = "CPU") -> np.ndarray:
    ppp = PrePostProcessor(identity_model(oh, ow))
    ppp.input().tensor().set_layout(Layout("NCHW")).set_spatial_static_shape(*x.shape[2:])
    ppp.input().preprocess().resize(alg)
    return Core().compile_model(ppp.build(), device)(x)[0]


@pytest.mark.parametrize("size", [(8, 12, 4, 6), (3, 4, 6, 8), (5, 7, 9, 4)])
@pytest.mark.parametrize("alg, matrix", [
    (ResizeAlgorithm.RESIZE_NEAREST, nearest_matrix),
    (ResizeAlgorithm.RESIZE_LINEAR, linear_matrix),
    (ResizeAlgorithm.RESIZE_CUBIC, cubic_matrix),
])
def test_resize_modes_match_numpy(alg, matrix, size):
    ih, iw, oh, ow = size
    x = RNG.standard_normal((1, 2, ih, iw)).astype(np.float32)
    out = run(alg, x, oh, ow)
    assert out.shape == (1, 2, oh, ow)
    np.testing.assert_allclose(out, resample(x, matrix, oh, ow), rtol=1e-5, atol=1e-5)


def test_linear_resize_on_device(device: str):
    x = RNG.standard_normal((1, 2, 6, 10)).astype(np.float32)
    out = run(ResizeAlgorithm.RESIZE_LINEAR, x, 4, 5, device)
    tol = 1e-5 if device == "CPU" else 1e-2
    np.testing.assert_allclose(out, resample(x, linear_matrix, 4, 5), rtol=tol, atol=tol)


def test_dynamic_spatial_tensor_resizes_any_image_to_the_model_size():
    ppp = PrePostProcessor(identity_model(4, 4))
    ppp.input().tensor().set_layout("NCHW").set_spatial_dynamic_shape()
    ppp.input().preprocess().resize(ResizeAlgorithm.RESIZE_LINEAR)
    model = ppp.build()
    assert str(model.input().partial_shape) == "[1,2,?,?]"
    compiled = Core().compile_model(model, "CPU")
    for ih, iw in [(8, 8), (4, 12)]:
        x = RNG.standard_normal((1, 2, ih, iw)).astype(np.float32)
        np.testing.assert_allclose(compiled(x)[0], resample(x, linear_matrix, 4, 4),
                                   rtol=1e-5, atol=1e-5)


def test_explicit_target_size_for_a_dynamic_model():
    ppp = PrePostProcessor(identity_model("?", "?"))
    ppp.input().tensor().set_layout("NCHW").set_spatial_static_shape(6, 6)
    ppp.input().preprocess().resize(ResizeAlgorithm.RESIZE_NEAREST, 3, 2)
    model = ppp.build()
    assert model.output().partial_shape == [1, 2, 3, 2]
    x = RNG.standard_normal((1, 2, 6, 6)).astype(np.float32)
    np.testing.assert_array_equal(Core().compile_model(model, "CPU")(x)[0],
                                  resample(x, nearest_matrix, 3, 2).astype(np.float32))


def test_resize_to_a_dynamic_model_size_needs_a_target():
    ppp = PrePostProcessor(identity_model("?", "?"))
    ppp.input().tensor().set_layout("NCHW")
    ppp.input().preprocess().resize(ResizeAlgorithm.RESIZE_LINEAR)
    with pytest.raises(pyvino.PyvinoError, match="dynamic"):
        ppp.build()
