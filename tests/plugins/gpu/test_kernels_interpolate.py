"""Interpolate (nearest, linear_onnx, linear) against a numpy oracle written from the spec."""

from __future__ import annotations

import numpy as np
import pyvino

ops = pyvino.opset11
f32 = np.float32


def coords(mode: str, n_out: int, n_in: int, scale: float) -> np.ndarray:
    x, s = np.arange(n_out, dtype=f32), f32(scale)
    return {
        "half_pixel": lambda: (x + f32(0.5)) / s - f32(0.5),
        "asymmetric": lambda: x / s,
        "tf_half_pixel_for_nn": lambda: (x + f32(0.5)) / s,
        "align_corners": lambda: x * f32(n_in - 1) / f32(max(n_out - 1, 1)),
    }[mode]()


def resize(x: np.ndarray, sizes: dict[int, int], mode: str, transform: str,
           nearest: str = "floor") -> np.ndarray:
    for axis, n_out in sizes.items():
        n_in = x.shape[axis]
        c = coords(transform, n_out, n_in, n_out / n_in)
        if mode == "nearest":
            idx = {"floor": np.floor, "ceil": np.ceil}[nearest](c)
            x = np.take(x, np.clip(idx.astype(int), 0, n_in - 1), axis=axis)
            continue
        c = np.clip(c, 0, n_in - 1)
        lo = np.floor(c).astype(int)
        hi = np.minimum(lo + 1, n_in - 1)
        shape = [1] * x.ndim
        shape[axis] = n_out
        w = (c - lo).reshape(shape)
        x = np.take(x, lo, axis=axis) * (1 - w) + np.take(x, hi, axis=axis) * w
    return x


def test_interpolate_modes(gpu, rand, precision) -> None:
    x = ops.parameter([1, 3, 6, 5], "f32", name="x")
    xv = rand(1, 3, 6, 5)
    cases = [  # (sizes on axes 2, 3, mode, coordinate mode, nearest mode)
        ((12, 10), "nearest", "asymmetric", "floor"),
        ((4, 13), "nearest", "tf_half_pixel_for_nn", "ceil"),
        ((11, 7), "linear_onnx", "half_pixel", "floor"),
        ((3, 9), "linear_onnx", "align_corners", "floor"),
        ((12, 10), "linear", "asymmetric", "floor"),
    ]
    outs, expected = [], []
    for (h, w), mode, transform, nearest in cases:
        outs.append(ops.interpolate(x, np.array([h, w]), np.array([2, 3]), mode=mode,
                                    shape_calculation_mode="sizes",
                                    coordinate_transformation_mode=transform,
                                    nearest_mode=nearest))
        expected.append(resize(xv.astype(np.float64), {2: h, 3: w}, mode, transform, nearest))
    gpu.check(pyvino.Model(outs, [x], "resize"), [xv], expected, precision)
