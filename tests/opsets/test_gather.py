"""Gather family: values vs ONNX's reference or hand numpy; batch dims; dynamic shapes."""

from __future__ import annotations

import numpy as np
import pytest
from onnx import helper
from onnx.reference import ReferenceEvaluator
from pyvino import Constant, OpValidationError, Parameter, PartialShape, Type
from pyvino_opsets import gather as ga
from pyvino_opsets import scatter as sc

RNG = np.random.default_rng(1)
DATA = RNG.standard_normal((3, 4, 5)).astype(np.float32)


def onnx_eval(op_type: str, *inputs: np.ndarray, **attrs) -> np.ndarray:
    names = [f"x{i}" for i in range(len(inputs))]
    node = helper.make_node(op_type, names, ["y"], **attrs)
    return ReferenceEvaluator(node).run(None, dict(zip(names, inputs, strict=True)))[0]


def param(a: np.ndarray) -> Parameter:
    return Parameter(Type.get(a.dtype), a.shape)


def run(node, *arrays: np.ndarray) -> np.ndarray:
    (out,) = node.evaluate(*arrays)
    assert node.get_output_partial_shape(0) == PartialShape(out.shape)
    assert node.get_output_element_type(0) is Type.get(out.dtype)
    return out


def gather(cls, data, indices, axis, **attrs) -> np.ndarray:
    axis = np.array(axis, np.int64)
    node = cls([param(data), param(indices), Constant(axis)], attrs)
    return run(node, data, indices, axis)


@pytest.mark.parametrize("cls", [ga.Gather1, ga.Gather7, ga.Gather8])
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_gather_matches_onnx(cls, axis):
    indices = np.array([[0, 2], [1, 1]], np.int64)
    np.testing.assert_array_equal(
        gather(cls, DATA, indices, axis), onnx_eval("Gather", DATA, indices, axis=axis)
    )


def test_gather_out_of_range_and_negative_indices():
    data = np.array([10, 20, 30], np.int32)
    idx = np.array([-1, 0, 3, -4], np.int32)
    # Gather-1/7: anything outside [0, dim) reads as zero; Gather-8 also counts from the end.
    np.testing.assert_array_equal(gather(ga.Gather1, data, idx, 0), [0, 10, 0, 0])
    np.testing.assert_array_equal(gather(ga.Gather7, data, idx, 0), [0, 10, 0, 0])
    np.testing.assert_array_equal(gather(ga.Gather8, data, idx, 0), [30, 10, 0, 0])


def test_gather_batch_dims():
    indices = np.array([[0, 3], [1, 1], [2, 0]], np.int64)  # batch of 3 over DATA's axis 0
    got = gather(ga.Gather8, DATA, indices, 1, batch_dims=1)
    want = np.stack([DATA[b][indices[b]] for b in range(3)])
    np.testing.assert_array_equal(got, want)
    got = gather(ga.Gather8, DATA, indices, 2, batch_dims=-1)
    want = np.stack([DATA[b][:, indices[b]] for b in range(3)])
    np.testing.assert_array_equal(got, want)


def test_gather_shapes_dynamic_and_unknown_axis():
    node = ga.Gather8(
        [Parameter("f32", "[?,4,5]"), Parameter("i32", "[?,2]"), Constant(np.int64(1))]
    )
    assert node.get_output_partial_shape(0) == PartialShape.parse("[?,?,2,5]")
    node = ga.Gather8([Parameter("f32", [3, 4]), Parameter("i32", [7]), Parameter("i64", [])])
    assert node.get_output_partial_shape(0) == PartialShape.dynamic(2)
    with pytest.raises(OpValidationError, match="batch_dims"):
        ga.Gather8(
            [Parameter("f32", [3, 4]), Parameter("i32", [3]), Constant(np.int64(0))],
            {"batch_dims": 1},
        )


def test_gather_scalar_index_drops_axis():
    out = gather(ga.Gather8, DATA, np.array(2, np.int64), 1)
    np.testing.assert_array_equal(out, DATA[:, 2])


def test_gathernd_matches_onnx_and_batch_shapes():
    idx = np.array([[0, 1], [2, 3]], np.int64)
    node = ga.GatherND8([param(DATA), param(idx)])
    np.testing.assert_array_equal(run(node, DATA, idx), onnx_eval("GatherND", DATA, idx))
    bidx = np.array([[[1], [0]], [[3], [3]], [[0], [2]]], np.int64)  # [3, 2, 1]
    want = onnx_eval("GatherND", DATA, bidx, batch_dims=1)
    v8 = ga.GatherND8([param(DATA), param(bidx)], {"batch_dims": 1})
    np.testing.assert_array_equal(run(v8, DATA, bidx), want)
    v5 = ga.GatherND5([param(DATA), param(bidx)], {"batch_dims": 1})
    np.testing.assert_array_equal(run(v5, DATA, bidx), want.reshape(want.shape))


def test_gathernd5_collapses_batch_dims():
    data = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    idx = np.zeros((2, 3, 1), np.int64)
    v5 = ga.GatherND5([param(data), param(idx)], {"batch_dims": 2})
    out = run(v5, data, idx)
    assert out.shape == (6,)
    np.testing.assert_array_equal(out, data[:, :, 0].reshape(6))
    v8 = ga.GatherND8([param(data), param(idx)], {"batch_dims": 2})
    assert run(v8, data, idx).shape == (2, 3)


def test_gathernd_negative_indices():
    idx = np.array([[-1, -1]], np.int64)
    node = ga.GatherND8([param(DATA), param(idx)])
    np.testing.assert_array_equal(run(node, DATA, idx), DATA[-1:, -1])


def test_gather_elements_matches_onnx():
    idx = RNG.integers(-4, 4, (3, 2, 5)).astype(np.int64)
    node = ga.GatherElements6([param(DATA), param(idx)], {"axis": 1})
    want = onnx_eval("GatherElements", DATA, idx, axis=1)
    np.testing.assert_array_equal(run(node, DATA, idx), want)
    with pytest.raises(OpValidationError):
        ga.GatherElements6([param(DATA), Parameter("i64", [3, 2, 4])], {"axis": 1})


# --------------------------------------------------------------------------- scatter family
def scatter(node, *arrays: np.ndarray) -> np.ndarray:
    out = run(node, *arrays)
    assert out.dtype == arrays[0].dtype and out.shape == arrays[0].shape
    return out


def test_scatter_update_writes_whole_slices():
    data = np.zeros((3, 4), np.float32)
    idx = np.array([[2], [0]], np.int64)
    upd = np.arange(6, dtype=np.float32).reshape(3, 2, 1)
    axis = np.array(1, np.int64)
    node = sc.ScatterUpdate3([param(data), param(idx), param(upd), Constant(axis)])
    got = scatter(node, data, idx, upd, axis)
    want = np.zeros((3, 4), np.float32)
    want[:, 2], want[:, 0] = upd[:, 0, 0], upd[:, 1, 0]
    np.testing.assert_array_equal(got, want)
    with pytest.raises(OpValidationError, match="updates shape"):
        sc.ScatterUpdate3([param(data), param(idx), Parameter("f32", [3, 2]), Constant(axis)])


@pytest.mark.parametrize(
    "reduction, onnx_reduction", [("none", "none"), ("sum", "add"), ("prod", "mul"),
                                  ("min", "min"), ("max", "max")]
)  # fmt: skip
def test_scatter_elements_matches_onnx(reduction, onnx_reduction):
    data = RNG.standard_normal((3, 4)).astype(np.float32)
    idx = np.array([[1, 0, 2, -1], [0, 2, 1, 0]], np.int64)  # duplicates along axis 0
    if reduction == "none":  # ONNX leaves duplicates undefined without a reduction
        idx = idx[:1]
    upd = RNG.standard_normal(idx.shape).astype(np.float32)
    axis = np.array(0, np.int64)
    node = sc.ScatterElementsUpdate12(
        [param(data), param(idx), param(upd), Constant(axis)], {"reduction": reduction}
    )
    want = onnx_eval("ScatterElements", data, idx % 3, upd, axis=0, reduction=onnx_reduction)
    np.testing.assert_allclose(scatter(node, data, idx, upd, axis), want, rtol=1e-6)


def test_scatter_elements_mean_and_use_init_val():
    data = np.array([10, 10, 10], np.int32)
    idx = np.array([0, 0, 1], np.int64)
    upd = np.array([1, 2, 5], np.int32)
    axis = np.array(0, np.int64)

    def mean(use_init_val: bool) -> np.ndarray:
        node = sc.ScatterElementsUpdate12(
            [param(data), param(idx), param(upd), Constant(axis)],
            {"reduction": "mean", "use_init_val": use_init_val},
        )
        return scatter(node, data, idx, upd, axis)

    # with init: (10+1+2)/3 -> 4 (rounded down), (10+5)/2 -> 7; without: 3/2 -> 1, 5
    np.testing.assert_array_equal(mean(True), [4, 7, 10])
    np.testing.assert_array_equal(mean(False), [1, 5, 10])
    node = sc.ScatterElementsUpdate12(
        [param(data), param(idx), param(upd), Constant(axis)],
        {"reduction": "max", "use_init_val": False},
    )
    np.testing.assert_array_equal(scatter(node, data, idx, upd, axis), [2, 5, 10])


def test_scatter_elements_v3_and_shape_checks():
    data = np.zeros((2, 3), np.float32)
    idx = np.array([[2, 0]], np.int64)
    upd = np.array([[5.0, 6.0]], np.float32)
    axis = np.array(-1, np.int64)
    node = sc.ScatterElementsUpdate3([param(data), param(idx), param(upd), Constant(axis)])
    np.testing.assert_array_equal(scatter(node, data, idx, upd, axis), [[6, 0, 5], [0, 0, 0]])
    with pytest.raises(OpValidationError, match="same shape"):
        sc.ScatterElementsUpdate3(
            [param(data), param(idx), Parameter("f32", [1, 3]), Constant(axis)]
        )


@pytest.mark.parametrize("reduction", ["none", "sum", "prod", "min", "max"])
def test_scatter_nd_matches_onnx(reduction):
    data = RNG.standard_normal((4, 3)).astype(np.float32)
    idx = np.array([[1], [3], [1]] if reduction != "none" else [[1], [3]], np.int64)
    upd = RNG.standard_normal((len(idx), 3)).astype(np.float32)
    node = sc.ScatterNDUpdate15([param(data), param(idx), param(upd)], {"reduction": reduction})
    onnx_red = {"sum": "add", "prod": "mul"}.get(reduction, reduction)
    want = onnx_eval("ScatterND", data, idx, upd, reduction=onnx_red)
    np.testing.assert_allclose(scatter(node, data, idx, upd), want, rtol=1e-6)


def test_scatter_nd_sub_negative_indices_and_booleans():
    data = np.array([10, 10, 10], np.int64)
    idx = np.array([[-1], [2], [0]], np.int64)
    upd = np.array([1, 2, 3], np.int64)
    node = sc.ScatterNDUpdate15([param(data), param(idx), param(upd)], {"reduction": "sub"})
    np.testing.assert_array_equal(scatter(node, data, idx, upd), [7, 10, 7])
    flags = np.array([True, False])
    bidx, bupd = np.array([[0], [0]], np.int64), np.array([True, True])
    node = sc.ScatterNDUpdate15([param(flags), param(bidx), param(bupd)], {"reduction": "sub"})
    np.testing.assert_array_equal(scatter(node, flags, bidx, bupd), [True, False])  # xor twice
    v3 = sc.ScatterNDUpdate3([param(data), param(idx[:2]), param(upd[:2])])
    np.testing.assert_array_equal(scatter(v3, data, idx[:2], upd[:2]), [10, 10, 2])
    assert sc.ScatterNDUpdate3.version_id == "opset4"
    with pytest.raises(OpValidationError, match="updates shape"):
        sc.ScatterNDUpdate3([param(data), param(idx), Parameter("i64", [2])])


def test_opset_tables_pick_the_right_versions():
    from pyvino_opsets import OPSETS

    table = {o.name: o for o in OPSETS}
    assert table["opset1"]["Gather"] is ga.Gather1
    assert table["opset7"]["Gather"] is ga.Gather7
    assert table["opset8"]["Gather"] is ga.Gather8 and table["opset8"]["GatherND"] is ga.GatherND8
    assert "ScatterNDUpdate" not in table["opset3"]
    assert table["opset4"]["ScatterNDUpdate"] is sc.ScatterNDUpdate3
    assert table["opset15"]["ScatterNDUpdate"] is sc.ScatterNDUpdate15
    assert table["opset11"]["ScatterElementsUpdate"] is sc.ScatterElementsUpdate3
    assert table["opset12"]["ScatterElementsUpdate"] is sc.ScatterElementsUpdate12
