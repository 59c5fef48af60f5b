"""ReduceMean / ReduceSum on the CPU plugin: over trailing axes (a global average pool) they run
as one matrix-vector product, elsewhere as numpy reductions; both against a float64 oracle."""

from __future__ import annotations

import numpy as np
import pytest
from pyvino import Core, Model, opset13

from .conftest import rand


@pytest.mark.parametrize("op", ["ReduceMean", "ReduceSum"])
@pytest.mark.parametrize(
    ("shape", "axes"),
    [
        ((1, 1280, 7, 7), [2, 3]),  # MobileNetV2's global average pool (trailing: matvec)
        ((2, 3, 5, 4), [-1, -2]),  # negative trailing axes, batch 2
        ((2, 6, 5), [1, 2]),
        ((3, 4, 5), [2]),
        ((2, 3, 5, 4), [1, 3]),  # not trailing: numpy's reduction
        ((4, 6), [0]),
    ],
)
@pytest.mark.parametrize("keep_dims", [True, False])
def test_reductions_match_float64(op, shape, axes, keep_dims) -> None:
    x = opset13.parameter(list(shape), "f32", name="x")
    make = opset13.reduce_mean if op == "ReduceMean" else opset13.reduce_sum
    y = make(x, np.array(axes, np.int64), keep_dims=keep_dims)
    compiled = Core().compile_model(Model([y], [x], "reduce"), "CPU", {"PERF_COUNT": True})
    data = rand(*shape, seed=5)
    request = compiled.create_infer_request()
    got = request.infer([data])[0]
    fn = np.mean if op == "ReduceMean" else np.sum
    want = fn(data.astype(np.float64), axis=tuple(axes), keepdims=keep_dims)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    ran = [p.exec_type for p in request.get_profiling_info() if p.status == "EXECUTED"]
    assert ran == [f"{op.removeprefix('Reduce').lower()}_reduce_FP32"], ran


def test_integer_sum_over_trailing_axes_stays_exact() -> None:
    x = opset13.parameter([2, 3, 4], "i32", name="x")
    y = opset13.reduce_sum(x, np.array([1, 2], np.int64), keep_dims=False)
    compiled = Core().compile_model(Model([y], [x], "isum"), "CPU")
    data = np.arange(24, dtype=np.int32).reshape(2, 3, 4) * 100_000_007 % 2_000_000_011
    np.testing.assert_array_equal(compiled(data)[0], data.sum(axis=(1, 2), dtype=np.int32))
