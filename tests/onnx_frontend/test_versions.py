"""Per-opset semantics: the same ONNX op type means different things at different versions."""

from __future__ import annotations

import numpy as np
import pytest
from frontend_helpers import assert_matches_reference, run_pyvino, single
from onnx import helper

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 3, 4)).astype(np.float32)


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def test_softmax_1_flattens_to_2d_at_axis(registry):
    model = single("Softmax", [("x", X.shape)], opset=11, axis=1)
    (y,) = run_pyvino(model, [X], registry)
    expected = _softmax(X.reshape(2, 12), axis=1).reshape(X.shape)  # one softmax over 3*4 values
    np.testing.assert_allclose(y, expected, rtol=1e-5)
    assert not np.allclose(y, _softmax(X, axis=1))


def test_softmax_13_normalises_one_axis(registry):
    model = single("Softmax", [("x", X.shape)], opset=13, axis=1)
    (y,) = run_pyvino(model, [X], registry)
    np.testing.assert_allclose(y, _softmax(X, axis=1), rtol=1e-5)


def test_softmax_default_axis_changes_at_13(registry):
    old = run_pyvino(single("Softmax", [("x", X.shape)], opset=12), [X], registry)[0]
    new = run_pyvino(single("Softmax", [("x", X.shape)], opset=13), [X], registry)[0]
    np.testing.assert_allclose(old, _softmax(X.reshape(2, 12), 1).reshape(X.shape), rtol=1e-5)
    np.testing.assert_allclose(new, _softmax(X, -1), rtol=1e-5)


def test_log_softmax_1_flattens(registry):
    (y,) = run_pyvino(single("LogSoftmax", [("x", X.shape)], opset=9, axis=1), [X], registry)
    np.testing.assert_allclose(y, np.log(_softmax(X.reshape(2, 12), 1)).reshape(X.shape), rtol=1e-5)


@pytest.mark.parametrize("opset", [11, 13, 18])
def test_split_sizes_attribute_then_input(registry, opset):
    sizes = np.array([1, 3], dtype=np.int64)
    if opset < 13:
        model = single("Split", [("x", (2, 4))], opset, n_out=2, axis=1, split=[1, 3])
    else:
        model = single(
            "Split", [("x", (2, 4))], opset, n_out=2, initializers=[("split", sizes)], axis=1
        )
    x = np.arange(8, dtype=np.float32).reshape(2, 4)
    assert_matches_reference(model, [x], registry)


def test_split_18_num_outputs_uneven(registry):
    x = np.arange(10, dtype=np.float32)
    model = single("Split", [("x", (10,))], 18, n_out=3, num_outputs=3)
    outs = assert_matches_reference(model, [x], registry)
    assert [o.shape for o in outs] == [(4,), (4,), (2,)]


@pytest.mark.parametrize("op", ["Squeeze", "Unsqueeze"])
@pytest.mark.parametrize("opset", [11, 13])
def test_squeeze_axes_attribute_then_input(registry, op, opset):
    shape = (2, 1, 3) if op == "Squeeze" else (2, 3)
    x = RNG.standard_normal(shape).astype(np.float32)
    if opset < 13:
        model = single(op, [("x", shape)], opset, axes=[1])
    else:
        model = single(op, [("x", shape)], opset, initializers=[("axes", np.array([1], np.int64))])
    (y,) = assert_matches_reference(model, [x], registry)
    assert y.shape == ((2, 3) if op == "Squeeze" else (2, 1, 3))


@pytest.mark.parametrize(
    "op", ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceL2", "ReduceLogSumExp"]
)
@pytest.mark.parametrize("opset", [12, 18])
def test_reduce_axes_attribute_then_input(registry, op, opset):
    moved = 13 if op == "ReduceSum" else 18
    if opset < moved:
        model = single(op, [("x", X.shape)], opset, axes=[0, 2], keepdims=0)
    else:
        model = single(
            op,
            [("x", X.shape)],
            opset,
            initializers=[("axes", np.array([0, 2], np.int64))],
            keepdims=0,
        )
    (y,) = assert_matches_reference(model, [X], registry)
    assert y.shape == (3,)


def test_reduce_noop_with_empty_axes(registry):
    model = single("ReduceSum", [("x", X.shape)], 13, noop_with_empty_axes=1)
    (y,) = run_pyvino(model, [X], registry)
    np.testing.assert_array_equal(y, X)


@pytest.mark.parametrize("opset", [9, 10, 13])
def test_slice_attributes_then_inputs(registry, opset):
    x = np.arange(24, dtype=np.float32).reshape(4, 6)
    if opset < 10:
        model = single("Slice", [("x", x.shape)], opset, starts=[1, -4], ends=[3, 100], axes=[0, 1])
    else:
        inits = [
            ("starts", np.array([1, -4], np.int64)),
            ("ends", np.array([3, 100], np.int64)),
            ("axes", np.array([0, 1], np.int64)),
            ("steps", np.array([1, 2], np.int64)),
        ]
        model = single("Slice", [("x", x.shape)], opset, initializers=inits)
    assert_matches_reference(model, [x], registry)


@pytest.mark.parametrize("opset", [2, 11, 18])
@pytest.mark.parametrize("mode", ["constant", "reflect", "edge"])
def test_pad_attributes_then_inputs(registry, opset, mode):
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    if opset < 11:
        model = single("Pad", [("x", x.shape)], opset, mode=mode, pads=[1, 2, 1, 0], value=7.0)
    elif opset < 18:
        inits = [("pads", np.array([1, 2, 1, 0], np.int64)), ("value", np.array(7.0, np.float32))]
        model = single("Pad", [("x", x.shape)], opset, initializers=inits, mode=mode)
    else:
        inits = [
            ("pads", np.array([2, 0], np.int64)),
            ("value", np.array(7.0, np.float32)),
            ("axes", np.array([1], np.int64)),
        ]
        model = single("Pad", [("x", x.shape)], opset, initializers=inits, mode=mode)
    assert_matches_reference(model, [x], registry)


@pytest.mark.parametrize("opset", [6, 11, 13])
def test_clip_bounds_attributes_then_inputs(registry, opset):
    x = np.linspace(-3, 3, 13, dtype=np.float32)
    if opset < 11:
        model = single("Clip", [("x", x.shape)], opset, min=-1.0, max=2.0)
    else:
        inits = [("lo", np.array(-1.0, np.float32)), ("hi", np.array(2.0, np.float32))]
        model = single("Clip", [("x", x.shape)], opset, initializers=inits)
    (y,) = assert_matches_reference(model, [x], registry)
    assert y.min() == -1.0 and y.max() == 2.0


def test_clip_11_with_runtime_bounds(registry):
    x = np.linspace(-3, 3, 13, dtype=np.float32)
    model = single("Clip", [("x", x.shape), ("lo", ()), ("hi", ())], 13)
    assert_matches_reference(model, [x, np.float32(-0.5), np.float32(0.5)], registry)


@pytest.mark.parametrize("opset", [7, 9])
def test_upsample_scales_attribute_then_input(registry, opset):
    x = np.arange(4, dtype=np.float32).reshape(1, 1, 2, 2)
    scales = [1.0, 1.0, 2.0, 3.0]
    if opset < 9:
        model = single("Upsample", [("x", x.shape)], opset, mode="nearest", scales=scales)
    else:
        inits = [("scales", np.array(scales, np.float32))]
        model = single("Upsample", [("x", x.shape)], opset, initializers=inits, mode="nearest")
    (y,) = run_pyvino(model, [x], registry)
    np.testing.assert_array_equal(y, np.repeat(np.repeat(x, 2, axis=2), 3, axis=3))


def test_resize_10_is_asymmetric_nearest_floor(registry):
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
    inits = [("scales", np.array([1, 1, 0.6, 0.6], np.float32))]
    (y,) = run_pyvino(single("Resize", [("x", x.shape)], 10, initializers=inits), [x], registry)
    np.testing.assert_array_equal(y, x[:, :, [0, 1], :][:, :, :, [0, 1]])


@pytest.mark.parametrize("opset", [11, 13, 18, 19])
@pytest.mark.parametrize("mode", ["nearest", "linear", "cubic"])
def test_resize_scales_from_opset_11(registry, opset, mode):
    x = RNG.standard_normal((1, 2, 4, 5)).astype(np.float32)
    inits = [("roi", np.array([], np.float32)), ("scales", np.array([1, 1, 2.0, 1.5], np.float32))]
    model = single("Resize", [("x", x.shape)], opset, initializers=inits, mode=mode)
    assert_matches_reference(model, [x], registry)


def test_resize_18_sizes_with_axes_and_aspect_policy(registry):
    x = RNG.standard_normal((1, 1, 4, 6)).astype(np.float32)
    inits = [
        ("roi", np.array([], np.float32)),
        ("scales", np.array([], np.float32)),
        ("sizes", np.array([3, 3], np.int64)),
    ]
    model = single(
        "Resize",
        [("x", x.shape)],
        18,
        initializers=inits,
        mode="nearest",
        axes=[2, 3],
        keep_aspect_ratio_policy="not_larger",
    )
    (y,) = assert_matches_reference(model, [x], registry)
    assert y.shape == (1, 1, 2, 3)


def test_legacy_broadcast_of_add_6(registry):
    a = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    b = RNG.standard_normal((3,)).astype(np.float32)
    model = single("Add", [("a", a.shape), ("b", b.shape)], 6, broadcast=1, axis=1)
    (y,) = run_pyvino(model, [a, b], registry)
    np.testing.assert_allclose(y, a + b[None, :, None], rtol=1e-6)


def test_cast_1_names_the_type(registry):
    x = np.array([1.7, -2.2], np.float32)
    node = helper.make_node("Cast", ["x"], ["y"], to="INT32")
    from frontend_helpers import make_model, tensor

    model = make_model([node], [tensor("x", [2])], [tensor("y", None)], opset=5)
    (y,) = run_pyvino(model, [x], registry)
    assert y.dtype == np.int32 and list(y) == [1, -2]


def test_batchnorm_6_and_15_agree(registry):
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    stats = [
        ("s", np.array([1, 2, 3], np.float32)),
        ("b", np.array([0, 1, 0], np.float32)),
        ("m", np.array([0.5, 0, -1], np.float32)),
        ("v", np.array([1, 4, 0.25], np.float32)),
    ]
    old = run_pyvino(
        single("BatchNormalization", [("x", x.shape)], 6, initializers=stats, is_test=1),
        [x],
        registry,
    )[0]
    new = assert_matches_reference(
        single("BatchNormalization", [("x", x.shape)], 15, initializers=stats), [x], registry
    )[0]
    np.testing.assert_allclose(old, new, rtol=1e-6)


def test_topk_k_attribute_then_input(registry):
    x = np.array([[3, 1, 4, 1, 5, 9]], np.float32)
    old = single("TopK", [("x", x.shape)], 9, n_out=2, k=2)
    new = single(
        "TopK", [("x", x.shape)], 11, n_out=2, initializers=[("k", np.array([2], np.int64))]
    )
    a = run_pyvino(old, [x], registry)
    b = assert_matches_reference(new, [x], registry)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
