"""GridSample-9 against a per-pixel port of OpenVINO's reference rules and ONNX's GridSample
(where the two definitions agree: zero padding, and border padding for bilinear and nearest)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyvino import OpValidationError, Parameter, Type
from pyvino_opsets.grid_sample import GridSample9

RNG = np.random.default_rng(11)
MODES = ["bilinear", "nearest", "bicubic"]
PADDINGS = ["zeros", "border", "reflection"]


def pixel(img: np.ndarray, y: int, x: int, padding: str, align: bool) -> float:
    """One pixel of ``img`` [H, W] at integer (y, x) under the padding rule."""
    h, w = img.shape
    if padding == "zeros":
        return float(img[y, x]) if 0 <= y < h and 0 <= x < w else 0.0
    if padding == "border":
        return float(img[min(max(y, 0), h - 1), min(max(x, 0), w - 1)])

    def mirror(i: int, n: int) -> int:
        if align:
            period = 1 if n == 1 else 2 * (n - 1)
            i = abs(i) % period
            return period - i if i >= n else i
        i %= 2 * n
        return 2 * n - 1 - i if i >= n else i

    return float(img[mirror(y, h), mirror(x, w)])


def cubic(r: float, a: float = -0.75) -> list[float]:
    def near(d: float) -> float:
        return ((a + 2) * d - (a + 3)) * d * d + 1

    def far(d: float) -> float:
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a

    return [far(1 + r), near(r), near(1 - r), far(2 - r)]


def loop_grid_sample(data, grid, mode, padding, align) -> np.ndarray:
    n, c, h, w = data.shape
    out = np.zeros((n, c, grid.shape[1], grid.shape[2]))
    for b, ch, i, j in np.ndindex(out.shape):
        gx, gy = (float(v) for v in grid[b, i, j])
        if align:
            x, y = (gx + 1) * (w - 1) / 2, (gy + 1) * (h - 1) / 2
        else:
            x, y = ((gx + 1) * w - 1) / 2, ((gy + 1) * h - 1) / 2
        img = data[b, ch]
        if mode == "nearest":
            out[b, ch, i, j] = pixel(img, round(y), round(x), padding, align)  # half to even
            continue
        y0, x0 = math.floor(y), math.floor(x)
        dy, dx = y - y0, x - x0
        if mode == "bilinear":
            wy, wx, taps = [1 - dy, dy], [1 - dx, dx], range(2)
        else:
            wy, wx, taps = cubic(dy), cubic(dx), range(-1, 3)
        out[b, ch, i, j] = sum(
            wy[p] * wx[q] * pixel(img, y0 + ty, x0 + tx, padding, align)
            for p, ty in enumerate(taps)
            for q, tx in enumerate(taps)
        )
    return out


def build(data: np.ndarray, grid: np.ndarray, **attrs) -> GridSample9:
    return GridSample9(
        [Parameter(Type.get(data.dtype), data.shape), Parameter(Type.get(grid.dtype), grid.shape)],
        attrs,
    )


DATA = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
GRID = RNG.uniform(-1.6, 1.6, (2, 3, 6, 2)).astype(np.float32)  # reaches outside the image


@pytest.mark.parametrize("align", [False, True])
@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("mode", MODES)
def test_matches_the_reference_rules(mode, padding, align):
    node = build(DATA, GRID, mode=mode, padding_mode=padding, align_corners=align)
    (got,) = node.evaluate(DATA, GRID)
    assert got.shape == node.get_output_partial_shape(0).to_shape() == (2, 3, 3, 6)
    assert got.dtype == np.float32
    want = loop_grid_sample(DATA, GRID, mode, padding, align)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "mode, padding",
    [(m, "zeros") for m in MODES] + [("bilinear", "border"), ("nearest", "border")],
)
@pytest.mark.parametrize("align", [False, True])
def test_matches_onnx_gridsample(onnx_ref, mode, padding, align):
    onnx_mode = {"bilinear": "linear", "bicubic": "cubic"}.get(mode, mode)
    (want,) = onnx_ref(
        "GridSample", [DATA, GRID], mode=onnx_mode, padding_mode=padding, align_corners=int(align)
    )
    (got,) = build(DATA, GRID, mode=mode, padding_mode=padding, align_corners=align).evaluate(
        DATA, GRID
    )
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_integer_data_and_f64_grid():
    data = np.arange(12, dtype=np.int32).reshape(1, 1, 3, 4)
    grid = np.array([[[[-1.0, -1.0], [0.0, 0.0], [1.0, 1.0]]]])  # f64
    (got,) = build(data, grid, align_corners=True).evaluate(data, grid)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got, [[[[0, 5, 11]]]])  # 5.5 truncates to 5


def test_shapes_and_errors():
    node = GridSample9([Parameter(Type.f32, "[?,3,8,8]"), Parameter(Type.f16, "[2,?,5,2]")])
    assert str(node.get_output_partial_shape(0)) == "[2,3,?,5]"
    with pytest.raises(OpValidationError, match="floating-point"):
        GridSample9([Parameter(Type.f32, [1, 1, 2, 2]), Parameter(Type.i32, [1, 2, 2, 2])])
    with pytest.raises(OpValidationError, match="4-D"):
        GridSample9([Parameter(Type.f32, [1, 1, 2, 2, 2]), Parameter(Type.f32, [1, 2, 2, 2])])
    with pytest.raises(OpValidationError, match="grid must be 4-D"):
        GridSample9([Parameter(Type.f32, [1, 1, 2, 2]), Parameter(Type.f32, [1, 2, 2, 3])])
    with pytest.raises(OpValidationError, match="batch size"):
        GridSample9([Parameter(Type.f32, [2, 1, 2, 2]), Parameter(Type.f32, [3, 2, 2, 2])])
    with pytest.raises(OpValidationError, match="mode"):
        GridSample9(
            [Parameter(Type.f32, [1, 1, 2, 2]), Parameter(Type.f32, [1, 2, 2, 2])], {"mode": "area"}
        )
