"""Shape ops and slicing: values vs numpy/ONNX, static shapes from constant inputs, dynamic dims."""

from __future__ import annotations

import numpy as np
import pytest
from onnx import helper
from onnx.reference import ReferenceEvaluator
from pyvino import Constant, Dimension, OpValidationError, Parameter, PartialShape, Type
from pyvino_opsets import shape_ops as so
from pyvino_opsets import slicing as sl
from pyvino_opsets import split_concat as sc

X = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


def onnx_eval(op_type: str, *inputs: np.ndarray, **attrs) -> np.ndarray:
    names = [f"x{i}" for i in range(len(inputs))]
    node = helper.make_node(op_type, names, ["y"], **attrs)
    return ReferenceEvaluator(node).run(None, dict(zip(names, inputs, strict=True)))[0]


def param(a: np.ndarray) -> Parameter:
    return Parameter(Type.get(a.dtype), a.shape)


def run(cls, data: np.ndarray, *consts, **attrs) -> tuple[np.ndarray, ...]:
    """Data as a Parameter, the rest as Constants; infer must agree with evaluate."""
    arrays = [np.asarray(c, dtype=np.int64) for c in consts]
    node = cls([param(data), *(Constant(c) for c in arrays)], attrs)
    outs = node.evaluate(data, *arrays)
    for i, out in enumerate(outs):
        assert node.get_output_partial_shape(i) == PartialShape(out.shape)
        assert node.get_output_element_type(i) is Type.get(out.dtype)
    return outs


def shape_of(cls, shape: str, *consts, **attrs) -> PartialShape:
    inputs = [Parameter("f32", shape), *(Constant(np.asarray(c, np.int64)) for c in consts)]
    return cls(inputs, attrs).get_output_partial_shape(0)


# --------------------------------------------------------------------------- Reshape
@pytest.mark.parametrize(
    "pattern, special_zero, expected",
    [
        ([4, -1], False, (4, 6)),
        ([0, -1], True, (2, 12)),
        ([0, 0, 2, 2], True, (2, 3, 2, 2)),
        ([24], False, (24,)),
        ([-1], False, (24,)),
    ],
)
def test_reshape_values(pattern, special_zero, expected):
    (out,) = run(so.Reshape1, X, pattern, special_zero=special_zero)
    np.testing.assert_array_equal(out, X.reshape(expected))


def test_reshape_zero_without_special_zero_means_empty_dim():
    x = np.zeros((0, 3), np.float32)
    (out,) = run(so.Reshape1, x, [0, 5], special_zero=False)
    assert out.shape == (0, 5)


@pytest.mark.parametrize(
    "shape, pattern, special_zero, expected",
    [
        ("[?,3,4]", [0, -1], True, "[?,12]"),
        ("[?,3,4]", [-1, 12], False, "[?,12]"),
        ("[2..4,6]", [-1, 3], False, "[4..8,3]"),
        ("[...]", [0, 5], True, "[?,5]"),
        ("[?,3]", [3, -1], False, "[3,?]"),
    ],
)
def test_reshape_dynamic_shapes(shape, pattern, special_zero, expected):
    got = shape_of(so.Reshape1, shape, pattern, special_zero=special_zero)
    assert got == PartialShape.parse(expected)


def test_reshape_unknown_pattern_gives_rank_only():
    node = so.Reshape1([Parameter("f32", [2, 3]), Parameter("i64", [3])], {"special_zero": False})
    assert node.get_output_partial_shape(0) == PartialShape.dynamic(3)


def test_reshape_pattern_from_shapeof_is_static():
    src = Parameter("f32", [4, 6])
    node = so.Reshape1([Parameter("f32", [24]), so.ShapeOf3([src])], {"special_zero": False})
    assert node.get_output_partial_shape(0) == PartialShape([4, 6])


def test_reshape_errors_name_the_problem():
    with pytest.raises(OpValidationError, match="elements"):
        shape_of(so.Reshape1, "[2,3]", [4, 2], special_zero=False)
    with pytest.raises(OpValidationError, match="more than one -1"):
        shape_of(so.Reshape1, "[2,3]", [-1, -1], special_zero=False)
    with pytest.raises(OpValidationError, match="special_zero"):
        so.Reshape1([Parameter("f32", [2])], {})


# --------------------------------------------------------------------------- Transpose
def test_transpose_values_and_empty_order():
    (out,) = run(so.Transpose1, X, [2, 0, 1])
    np.testing.assert_array_equal(out, X.transpose(2, 0, 1))
    (out,) = run(so.Transpose1, X, np.zeros(0, np.int64))
    np.testing.assert_array_equal(out, X.T)


def test_transpose_dynamic():
    assert shape_of(so.Transpose1, "[?,3,1..5]", [2, 0, 1]) == PartialShape.parse("[1..5,?,3]")
    node = so.Transpose1([Parameter("f32", [2, 3]), Parameter("i64", [2])])
    assert node.get_output_partial_shape(0) == PartialShape.dynamic(2)
    with pytest.raises(OpValidationError, match="permutation"):
        shape_of(so.Transpose1, "[2,3]", [0, 0])


# --------------------------------------------------------------------------- Squeeze / Unsqueeze
def test_squeeze_values():
    x = np.zeros((1, 3, 1, 2), np.float32)
    assert run(so.Squeeze1, x)[0].shape == (3, 2)
    assert run(so.Squeeze1, x, [0])[0].shape == (3, 1, 2)
    assert run(so.Squeeze1, x, [-2, 0])[0].shape == (3, 2)
    # A named axis that is not 1 is kept (OpenVINO 2024.3+).
    assert run(so.Squeeze1, x, [1, 2])[0].shape == (1, 3, 2)


def test_squeeze_dynamic_rules():
    assert shape_of(so.Squeeze1, "[?,1,3]", [1]) == PartialShape.parse("[?,3]")
    assert shape_of(so.Squeeze1, "[?,1,3]", [0]) == PartialShape([1, 3])
    assert not so.Squeeze1([Parameter("f32", "[?,1,3]")]).get_output_partial_shape(0).rank_is_static
    assert shape_of(so.Squeeze1, "[2..5,1]") == PartialShape([Dimension(2, 5)])
    skip = shape_of(so.Squeeze15, "[?,1,3]", [0], allow_axis_skip=True)
    assert not skip.rank_is_static
    assert shape_of(so.Squeeze15, "[?,1,3]", [0], allow_axis_skip=False) == PartialShape([1, 3])


def test_unsqueeze_values_and_shapes():
    (out,) = run(so.Unsqueeze1, X, [0, -1])
    assert out.shape == (1, 2, 3, 4, 1)
    assert shape_of(so.Unsqueeze1, "[?,3]", [1]) == PartialShape.parse("[?,1,3]")
    assert shape_of(so.Unsqueeze1, "[?,3]", [1, 1]) == PartialShape.parse("[?,1,3]")
    node = so.Unsqueeze1([Parameter("f32", [2, 3]), Parameter("i64", [1])])
    assert node.get_output_partial_shape(0) == PartialShape.dynamic(3)
    with pytest.raises(OpValidationError, match="out of range"):
        shape_of(so.Unsqueeze1, "[2]", [3])


# --------------------------------------------------------------------------- ShapeOf / Concat
def test_shapeof_versions_and_value():
    (out,) = run(so.ShapeOf1, X)
    np.testing.assert_array_equal(out, [2, 3, 4])
    node = so.ShapeOf3([Parameter("f32", "[?,3]")], {"output_type": "i32"})
    assert node.get_output_element_type(0) is Type.i32
    assert node.output_value(0) is None
    assert so.ShapeOf3([Parameter("f32", "[...]")]).get_output_partial_shape(0) == PartialShape(
        "[?]"
    )
    np.testing.assert_array_equal(so.ShapeOf3([param(X)]).output_value(0), [2, 3, 4])
    with pytest.raises(OpValidationError, match="output_type"):
        so.ShapeOf3([param(X)], {"output_type": "f32"})


def test_concat_values_and_shapes():
    a, b = X, np.ones((2, 1, 4), np.float32)
    node = sc.Concat1([param(a), param(b)], {"axis": -2})
    (out,) = node.evaluate(a, b)
    np.testing.assert_array_equal(out, np.concatenate([a, b], axis=1))
    assert node.get_output_partial_shape(0) == PartialShape([2, 4, 4])
    dyn = sc.Concat1([Parameter("f32", "[?,2..3]"), Parameter("f32", "[4,5]")], {"axis": 1})
    assert dyn.get_output_partial_shape(0) == PartialShape.parse("[4,7..8]")
    with pytest.raises(OpValidationError):
        sc.Concat1([Parameter("f32", [2, 3]), Parameter("f32", [3, 3])], {"axis": 1})


# --------------------------------------------------------------------------- Split
def test_split_and_variadic_split():
    outs = run(sc.Split1, X, 2, num_splits=2)
    for got, want in zip(outs, np.split(X, 2, axis=2), strict=True):
        np.testing.assert_array_equal(got, want)
    outs = run(sc.VariadicSplit1, X, -1, [1, -1, 2])
    assert [o.shape[2] for o in outs] == [1, 1, 2]
    np.testing.assert_array_equal(np.concatenate(outs, axis=2), X)
    with pytest.raises(OpValidationError, match="equal parts"):
        run(sc.Split1, X, 1, num_splits=2)


def test_split_dynamic_shapes():
    node = sc.Split1([Parameter("f32", "[?,4..8]"), Constant(np.int64(1))], {"num_splits": 2})
    assert node.get_output_partial_shape(1) == PartialShape.parse("[?,2..4]")
    node = sc.VariadicSplit1(
        [Parameter("f32", "[?,10]"), Constant(np.int64(0)), Constant(np.array([2, -1]))]
    )
    assert node.get_output_partial_shape(0) == PartialShape.parse("[2,10]")
    assert node.get_output_partial_shape(1) == PartialShape.parse("[?,10]")


# --------------------------------------------------------------------------- StridedSlice
def strided(x, begin, end, strides, **masks):
    masks.setdefault("begin_mask", [0] * len(begin))
    masks.setdefault("end_mask", [0] * len(begin))
    return run(sl.StridedSlice1, x, begin, end, strides, **masks)[0]


def test_strided_slice_basic_and_negative_stride():
    np.testing.assert_array_equal(strided(X, [0, 1, 0], [2, 3, 4], [1, 1, 2]), X[0:2, 1:3, 0:4:2])
    np.testing.assert_array_equal(strided(X, [1, -1], [0, -4], [-1, -1]), X[1:0:-1, -1:-4:-1])


def test_strided_slice_begin_end_masks_ignore_values():
    got = strided(X, [1, 2], [2, 0], [1, -1], begin_mask=[1, 0], end_mask=[0, 1])
    np.testing.assert_array_equal(got, X[:2, 2::-1])


def test_strided_slice_new_axis_shrink_and_ellipsis():
    got = strided(
        X,
        [0, 1, 0],
        [0, 2, 0],
        [1, 1, 1],
        end_mask=[0, 0, 1],
        new_axis_mask=[1],
        shrink_axis_mask=[0, 1],
    )
    np.testing.assert_array_equal(got, X[np.newaxis, 1, :])
    got = strided(X, [0, -1], [0, 0], [1, 1], ellipsis_mask=[1], shrink_axis_mask=[0, 1])
    np.testing.assert_array_equal(got, X[..., -1])
    got = strided(X, [1, 0, 0], [2, 0, 2], [1, 1, 1], ellipsis_mask=[0, 1], new_axis_mask=[0, 0, 0])
    np.testing.assert_array_equal(got, X[1:2, ..., 0:2])


def test_strided_slice_reverse_start_below_range_keeps_element_zero():
    # OpenVINO clamps a negative-stride begin to [0, dim-1] (Python slicing would be empty).
    x = np.arange(5, dtype=np.int32)
    got = strided(x, [-10], [0], [-1], end_mask=[1])
    np.testing.assert_array_equal(got, [0])


def test_strided_slice_shrink_out_of_range_is_an_error():
    with pytest.raises(OpValidationError, match="shrink"):
        strided(X, [5], [6], [1], shrink_axis_mask=[1])


def test_strided_slice_dynamic_shapes():
    inputs = [Parameter("f32", "[?,10,?]")] + [
        Constant(np.array(v)) for v in ([0, 2], [0, 8], [1, 2])
    ]
    node = sl.StridedSlice1(inputs, {"begin_mask": [1, 0], "end_mask": [1, 0]})
    assert node.get_output_partial_shape(0) == PartialShape.parse("[?,3,?]")
    inputs = [Parameter("f32", "[?]")] + [Constant(np.array(v)) for v in ([0], [2], [1])]
    node = sl.StridedSlice1(inputs, {"begin_mask": [0], "end_mask": [0]})
    assert node.get_output_partial_shape(0) == PartialShape.parse("[..2]")
    unknown = [Parameter("f32", [2, 3, 4]), Parameter("i64", [2]), Parameter("i64", [2])]
    node = sl.StridedSlice1(unknown, {"begin_mask": [0], "end_mask": [0], "shrink_axis_mask": [1]})
    assert node.get_output_partial_shape(0) == PartialShape.dynamic(2)


# --------------------------------------------------------------------------- Slice-8
@pytest.mark.parametrize(
    "start, stop, step, axes",
    [
        ([0, 1], [2, 3], [1, 1], None),
        ([-1], [-10], [-1], [2]),
        ([10], [-100], [-2], [-1]),
        ([1, 0], [2**62, 2], [1, 1], [0, 2]),
        ([-100], [100], [3], [2]),
    ],
)
def test_slice8_matches_onnx(start, stop, step, axes):
    consts = [start, stop, step] + ([axes] if axes is not None else [])
    (out,) = run(sl.Slice8, X, *consts)
    # ONNX orders the inputs data, starts, ends, axes, steps; its reference does not
    # normalise negative axes itself.
    onnx_axes = np.array(axes if axes is not None else range(len(start))) % X.ndim
    onnx_inputs = [X, np.array(start), np.array(stop), onnx_axes, np.array(step)]
    np.testing.assert_array_equal(out, onnx_eval("Slice", *onnx_inputs))


def test_slice8_dynamic_and_errors():
    node = sl.Slice8(
        [Parameter("f32", "[?,8]")] + [Constant(np.array(v)) for v in ([1], [2**62], [2], [0])]
    )
    assert node.get_output_partial_shape(0) == PartialShape.parse("[?,8]")
    with pytest.raises(OpValidationError, match="step"):
        run(sl.Slice8, X, [0], [1], [0])


def test_opset_tables_and_builder():
    import pyvino
    from pyvino_opsets import OPSETS

    registry = pyvino.OpsetRegistry()
    for opset in OPSETS:
        registry.add(opset)
    assert registry.lookup("Squeeze", "opset14") is so.Squeeze1
    assert registry.lookup("Squeeze", "opset15") is so.Squeeze15
    assert registry.lookup("ShapeOf", "opset2") is so.ShapeOf1
    assert registry.lookup("ShapeOf", "opset3") is so.ShapeOf3
    ops = registry.builder("opset8")
    x = ops.parameter([2, 3], "f32")
    node = ops.strided_slice(x, [0, 1], [2, 3], [1, 1], begin_mask=[0, 0], end_mask=[0, 0])
    assert node.get_output_partial_shape(0) == PartialShape([2, 2])
    assert ops.slice(x, [1], [2], [1]).get_output_partial_shape(0) == PartialShape([1, 3])
