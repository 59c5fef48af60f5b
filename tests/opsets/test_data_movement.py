"""Data movement ops: values vs ONNX's reference or hand numpy; static and dynamic shapes."""

from __future__ import annotations

import numpy as np
import pytest
from onnx import helper
from onnx.reference import ReferenceEvaluator
from pyvino import Constant, OpValidationError, Parameter, PartialShape, Type
from pyvino_opsets import data_movement as dm
from pyvino_opsets import depth_space as ds
from pyvino_opsets import reverse as rv
from pyvino_opsets import sequence_ops as sq
from pyvino_opsets import unique as uq

RNG = np.random.default_rng(4)
X = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


def onnx_eval(op_type: str, *inputs: np.ndarray, n_out: int = 1, **attrs) -> list[np.ndarray]:
    names = [f"x{i}" for i in range(len(inputs))]
    outs = [f"y{i}" for i in range(n_out)]
    node = helper.make_node(op_type, names, outs, **attrs)
    return ReferenceEvaluator(node).run(None, dict(zip(names, inputs, strict=True)))


def run(cls, data: np.ndarray, *consts, attrs=None, const_data: bool = False) -> tuple:
    """Data as a Parameter (or Constant), other inputs as Constants; infer must match."""
    arrays = [np.asarray(c) for c in consts]
    first = Constant(data) if const_data else Parameter(Type.get(data.dtype), data.shape)
    node = cls([first, *(Constant(a) for a in arrays)], attrs or {})
    outs = node.evaluate(data, *arrays)
    for i, out in enumerate(outs):
        assert node.get_output_partial_shape(i) == PartialShape(out.shape), i
        assert node.get_output_element_type(i) is Type.get(out.dtype), i
    return outs


def shape_of(cls, shape: str, *consts, attrs=None) -> PartialShape:
    inputs = [Parameter("f32", shape), *(Constant(np.asarray(c)) for c in consts)]
    return cls(inputs, attrs or {}).get_output_partial_shape(0)


# --------------------------------------------------------------------------- Pad
@pytest.mark.parametrize("mode", ["constant", "edge", "reflect"])
def test_pad_matches_onnx(mode):
    begin, end = [0, 1, 2], [1, 0, 3]
    value = np.float32(7.0)
    consts = [np.array(begin), np.array(end)] + ([value] if mode == "constant" else [])
    (got,) = run(dm.Pad1, X, *consts, attrs={"pad_mode": mode})
    onnx_in = [X, np.array(begin + end, np.int64)] + ([value] if mode == "constant" else [])
    np.testing.assert_array_equal(got, onnx_eval("Pad", *onnx_in, mode=mode)[0])


def test_pad_symmetric_and_default_zero():
    x = np.array([1, 2, 3], np.int32)
    (got,) = run(dm.Pad1, x, [2], [1], attrs={"pad_mode": "symmetric"})
    np.testing.assert_array_equal(got, [2, 1, 1, 2, 3, 3])
    (got,) = run(dm.Pad1, x, [1], [0])
    np.testing.assert_array_equal(got, [0, 1, 2, 3])


def test_pad12_negative_pads_crop():
    (got,) = run(
        dm.Pad12, X, [0, -1, 1], [-1, 0, -2], np.float32(5), attrs={"pad_mode": "constant"}
    )
    want = np.pad(X[:1, 1:, :2], [(0, 0), (0, 0), (1, 0)], constant_values=5)
    np.testing.assert_array_equal(got, want)
    x = np.array([1, 2, 3, 4], np.int32)
    (got,) = run(dm.Pad12, x, [-1], [2], attrs={"pad_mode": "reflect"})
    np.testing.assert_array_equal(got, [2, 3, 4, 3, 2])


def test_pad_errors_and_dynamic_shapes():
    with pytest.raises(OpValidationError, match="negative"):
        shape_of(dm.Pad1, "[2,3]", [0, -1], [0, 0])
    with pytest.raises(OpValidationError, match="reflect"):
        shape_of(dm.Pad1, "[2,3]", [0, 3], [0, 0], attrs={"pad_mode": "reflect"})
    assert shape_of(dm.Pad1, "[?,2..4]", [1, 1], [1, 0]) == PartialShape.parse("[2..,3..5]")
    node = dm.Pad1([Parameter("f32", [2, 3]), Parameter("i64", [2]), Parameter("i64", [2])])
    assert node.get_output_partial_shape(0) == PartialShape.dynamic(2)


# --------------------------------------------------------------------------- Tile / Broadcast
@pytest.mark.parametrize("repeats", [[2, 1, 3], [2, 2], [2, 1, 1, 2]])
def test_tile_matches_numpy(repeats):
    (got,) = run(dm.Tile1, X, np.array(repeats))
    np.testing.assert_array_equal(got, np.tile(X, repeats))


def test_tile_dynamic():
    assert shape_of(dm.Tile1, "[?,3]", [2, 2]) == PartialShape.parse("[?,6]")
    assert shape_of(dm.Tile1, "[2..3]", [1, 4]) == PartialShape.parse("[1,8..12]")


def test_broadcast_numpy_and_bidirectional():
    x = np.array([[1.0], [2.0]], np.float32)
    (got,) = run(dm.Broadcast3, x, np.array([3, 2, 4]))
    np.testing.assert_array_equal(got, np.broadcast_to(x, (3, 2, 4)))
    (got,) = run(dm.Broadcast3, x, np.array([1, 3]), attrs={"mode": "bidirectional"})
    np.testing.assert_array_equal(got, onnx_eval("Expand", x, np.array([1, 3]))[0])
    with pytest.raises(OpValidationError):
        run(dm.Broadcast1, x, np.array([1, 3]))
    with pytest.raises(OpValidationError, match="mode"):
        dm.Broadcast1([Parameter("f32", [1]), Constant(np.array([2]))], {"mode": "bidirectional"})


def test_broadcast_explicit_axes_mapping():
    x = np.array([1.0, 2.0, 3.0], np.float32)
    (got,) = run(dm.Broadcast1, x, np.array([2, 3, 4]), np.array([1]), attrs={"mode": "explicit"})
    want = np.empty((2, 3, 4), np.float32)
    for i in range(3):
        want[:, i, :] = x[i]
    np.testing.assert_array_equal(got, want)


def test_broadcast_dynamic_target():
    node = dm.Broadcast3([Parameter("f32", [3]), Parameter("i64", [2])])
    assert node.get_output_partial_shape(0) == PartialShape.dynamic(2)
    node = dm.Broadcast3(
        [Parameter("f32", [1, 1, 3]), Parameter("i64", [2])], {"mode": "bidirectional"}
    )
    assert node.get_output_partial_shape(0) == PartialShape.dynamic(3)
    assert shape_of(dm.Broadcast3, "[?]", [2, 4]) == PartialShape([2, 4])


# --------------------------------------------------------------------------- Reverse
def test_reverse_index_and_mask():
    (got,) = run(rv.Reverse1, X, np.array([0, -1]), attrs={"mode": "index"})
    np.testing.assert_array_equal(got, X[::-1, :, ::-1])
    (got,) = run(rv.Reverse1, X, np.array([False, True, False]), attrs={"mode": "mask"})
    np.testing.assert_array_equal(got, X[:, ::-1])
    with pytest.raises(OpValidationError, match="mode"):
        rv.Reverse1([Parameter("f32", [2]), Constant(np.array([0]))])


@pytest.mark.parametrize("batch_axis, seq_axis", [(0, 1), (1, 0)])
def test_reverse_sequence_matches_onnx(batch_axis, seq_axis):
    x = RNG.standard_normal((4, 4, 2)).astype(np.float32)
    lengths = np.array([1, 4, 2, 3], np.int64)
    attrs = {"batch_axis": batch_axis, "seq_axis": seq_axis}
    (got,) = run(rv.ReverseSequence1, x, lengths, attrs=attrs)
    want = onnx_eval("ReverseSequence", x, lengths, time_axis=seq_axis, batch_axis=batch_axis)
    np.testing.assert_array_equal(got, want[0])


# --------------------------------------------------------------------------- depth / space
@pytest.mark.parametrize("mode, onnx_mode", [("blocks_first", "DCR"), ("depth_first", "CRD")])
def test_depth_to_space_matches_onnx(mode, onnx_mode):
    x = RNG.standard_normal((1, 8, 2, 3)).astype(np.float32)
    (got,) = run(ds.DepthToSpace1, x, attrs={"block_size": 2, "mode": mode})
    np.testing.assert_array_equal(got, onnx_eval("DepthToSpace", x, blocksize=2, mode=onnx_mode)[0])


def test_space_to_depth_blocks_first_matches_onnx_and_depth_first_by_hand():
    x = RNG.standard_normal((2, 3, 4, 6)).astype(np.float32)
    (got,) = run(ds.SpaceToDepth1, x, attrs={"block_size": 2, "mode": "blocks_first"})
    np.testing.assert_array_equal(got, onnx_eval("SpaceToDepth", x, blocksize=2)[0])
    (got,) = run(ds.SpaceToDepth1, x, attrs={"block_size": 2, "mode": "depth_first"})
    # depth_first: output channel c * 4 + bh * 2 + bw holds x[c, 2h + bh, 2w + bw].
    for c, bh, bw in [(0, 0, 0), (1, 1, 0), (2, 1, 1)]:
        np.testing.assert_array_equal(got[:, c * 4 + bh * 2 + bw], x[:, c, bh::2, bw::2])


def test_depth_space_3d_roundtrip_and_shapes():
    x = RNG.standard_normal((1, 16, 1, 2, 3)).astype(np.float32)
    (d2s,) = run(ds.DepthToSpace1, x, attrs={"block_size": 2, "mode": "depth_first"})
    assert d2s.shape == (1, 2, 2, 4, 6)
    (back,) = run(ds.SpaceToDepth1, d2s, attrs={"block_size": 2, "mode": "depth_first"})
    np.testing.assert_array_equal(back, x)
    shape = shape_of(ds.DepthToSpace1, "[?,8,?,3]", attrs={"block_size": 2, "mode": "blocks_first"})
    assert shape == PartialShape.parse("[?,2,?,6]")
    with pytest.raises(OpValidationError, match="divisible"):
        shape_of(ds.DepthToSpace1, "[1,6,2,2]", attrs={"block_size": 2, "mode": "blocks_first"})


def test_shuffle_channels():
    x = np.arange(12, dtype=np.int32).reshape(1, 6, 2)
    (got,) = run(ds.ShuffleChannels1, x, attrs={"axis": 1, "group": 2})
    # channels [0 1 2 | 3 4 5] interleave to [0 3 1 4 2 5]
    np.testing.assert_array_equal(got, x[:, [0, 3, 1, 4, 2, 5]])
    with pytest.raises(OpValidationError):
        ds.ShuffleChannels1([Parameter("f32", [1, 5])], {"axis": 1, "group": 2})


# --------------------------------------------------------------------------- Range / CumSum
@pytest.mark.parametrize(
    "start, stop, step", [(0, 5, 1), (10, 1, -3), (1.5, 4.0, 0.5), (3, 3, 1), (0, 5, -1)]
)
def test_range_matches_onnx(start, stop, step):
    dtype = np.float32 if isinstance(start, float) else np.int64
    args = [np.array(v, dtype) for v in (start, stop, step)]
    (got,) = run(sq.Range1, args[0], *args[1:], const_data=True)
    np.testing.assert_array_equal(got, onnx_eval("Range", *args)[0])


def test_range4_output_type_truncates_inputs_for_integers():
    args = [np.float32(0.7), np.float32(5.9), np.float32(1.9)]
    (got,) = run(sq.Range4, *args, attrs={"output_type": "i32"}, const_data=True)
    np.testing.assert_array_equal(got, [0, 1, 2, 3, 4])
    (got,) = run(sq.Range4, *args, attrs={"output_type": "f32"}, const_data=True)
    np.testing.assert_allclose(got, [0.7, 2.6, 4.5], rtol=1e-6)
    node = sq.Range4([Parameter("i32", []), Constant(np.int32(5)), Constant(np.int32(1))],
                     {"output_type": "i64"})  # fmt: skip
    assert node.get_output_partial_shape(0) == PartialShape.parse("[?]")
    with pytest.raises(OpValidationError, match="zero"):
        run(sq.Range1, np.int64(0), np.int64(5), np.int64(0), const_data=True)


@pytest.mark.parametrize("exclusive", [0, 1])
@pytest.mark.parametrize("reverse", [0, 1])
def test_cumsum_matches_onnx(exclusive, reverse):
    axis = np.array(1, np.int64)
    attrs = {"exclusive": bool(exclusive), "reverse": bool(reverse)}
    (got,) = run(sq.CumSum3, X, axis, attrs=attrs)
    want = onnx_eval("CumSum", X, axis, exclusive=exclusive, reverse=reverse)[0]
    np.testing.assert_array_equal(got, want)
    (default_axis,) = run(sq.CumSum3, np.array([1, 2, 3], np.int32))
    np.testing.assert_array_equal(default_axis, [1, 3, 6])


# --------------------------------------------------------------------------- OneHot / NonZero
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_one_hot_matches_onnx(axis):
    idx = np.array([[0, 2], [1, 3]], np.int64)
    depth, values = np.array(3, np.int64), np.array([-1.0, 5.0], np.float32)
    (got,) = run(sq.OneHot1, idx, depth, values[1], values[0], attrs={"axis": axis})
    want = onnx_eval("OneHot", idx, depth, values, axis=axis)[0]  # 3 is out of range: all off
    np.testing.assert_array_equal(got, want)


def test_one_hot_negative_index_is_all_off_and_dynamic_depth():
    (got,) = run(sq.OneHot1, np.array([-1, 1], np.int32), np.int64(2), np.int8(1), np.int8(0),
                 attrs={"axis": -1})  # fmt: skip
    np.testing.assert_array_equal(got, [[0, 0], [0, 1]])
    node = sq.OneHot1(
        [Parameter("i32", "[?]"), Parameter("i64", []), Constant(np.float32(1)),
         Constant(np.float32(0))], {"axis": 0},
    )  # fmt: skip
    assert node.get_output_partial_shape(0) == PartialShape.parse("[?,?]")


def test_non_zero_matches_onnx_and_shapes():
    x = np.array([[0, 1, 2], [3, 0, 0]], np.float32)
    (got,) = run(sq.NonZero3, x, const_data=True)
    np.testing.assert_array_equal(got, onnx_eval("NonZero", x)[0])
    node = sq.NonZero3([Parameter("f32", [2, 3])], {"output_type": "i32"})
    assert node.get_output_partial_shape(0) == PartialShape.parse("[2,0..6]")
    assert node.get_output_element_type(0) is Type.i32


# --------------------------------------------------------------------------- Unique
@pytest.mark.parametrize("sorted_", [True, False])
def test_unique_flattened_matches_onnx(sorted_):
    x = np.array([[3, 1, 3], [2, 1, 5]], np.int32)
    got = run(uq.Unique10, x, attrs={"sorted": sorted_}, const_data=True)
    # Without an axis both flatten; onnx.reference only handles the unsorted case in 1D.
    want = onnx_eval("Unique", x.reshape(-1), n_out=4, sorted=int(sorted_))
    assert want[0].tolist() == ([1, 2, 3, 5] if sorted_ else [3, 1, 2, 5])
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)


def test_unique_along_axis_matches_onnx():
    x = np.array([[1, 0, 1], [2, 5, 2], [1, 0, 1]], np.float32)
    got = run(uq.Unique10, x, np.array(1, np.int64), const_data=True)
    want = onnx_eval("Unique", x, n_out=4, axis=1, sorted=1)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_array_equal(g, w)


def test_unique_shapes_when_values_unknown():
    node = uq.Unique10([Parameter("f32", [2, 3])], {"count_element_type": "i32"})
    shapes = [node.get_output_partial_shape(i) for i in range(4)]
    assert shapes == [PartialShape.parse(s) for s in ("[1..6]", "[1..6]", "[6]", "[1..6]")]
    assert node.get_output_element_type(3) is Type.i32
    node = uq.Unique10([Parameter("f32", "[?,4]"), Constant(np.int64(1))])
    assert node.get_output_partial_shape(0) == PartialShape.parse("[?,1..4]")
    assert node.get_output_partial_shape(2) == PartialShape([4])
