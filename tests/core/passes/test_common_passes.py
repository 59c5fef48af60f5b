"""run_common_passes: the passes together simplify a model without changing what it computes."""

from __future__ import annotations

from collections import Counter

import numpy as np
from pyvino import Constant, Model, Parameter, Type
from pyvino.passes import run_common_passes

RNG = np.random.default_rng(11)


def const(values, name, t=Type.f32):
    return Constant(np.asarray(values).astype(t.dtype), t, name)


def messy_model(ops) -> Model:
    """Conv -> BN -> Relu -> no-op Convert -> Reshape(ShapeOf-derived target) + folded bias."""
    x = Parameter(Type.f32, [1, 3, 6, 6], "x")
    attrs = {"strides": [1, 1], "dilations": [1, 1], "pads_begin": [1, 1], "pads_end": [1, 1]}
    w = const(RNG.standard_normal((4, 3, 3, 3)), "w")
    conv = ops("Convolution")([x, w], attrs, "conv")
    stats = [const(RNG.uniform(0.5, 1.5, 4), n) for n in ("gamma", "beta", "mean", "var")]
    bn = ops("BatchNormInference")([conv, *stats], {"epsilon": 1e-5}, "bn")
    relu = ops("Relu")([bn], {}, "relu")
    same = ops("Convert")([relu], {"destination_type": "f32"}, "same")
    shape = ops("ShapeOf")([same], {}, "shape")
    batch = ops("Gather")([shape, const([0], "i0", Type.i64), const(0, "ax", Type.i64)], {}, "n")
    target = ops("Concat")([batch, const([-1], "rest", Type.i64)], {"axis": 0}, "target")
    flat = ops("Reshape")([same, target], {"special_zero": False}, "flat")
    offset = ops("Multiply")(
        [const(np.full(144, 0.5), "h"), const(np.full(144, 4.0), "f")], {}, "o"
    )
    y = ops("Add")([flat, offset], {}, "y")
    y.output(0).set_names(["y"])
    return Model([y], [x], "m")


def test_common_passes_simplify_and_preserve_results(ops, registry, evaluate, op_types):
    model = messy_model(ops)
    reference = model.clone()
    x = RNG.standard_normal((1, 3, 6, 6)).astype(np.float32)
    (expected,) = evaluate(reference, [x])
    assert run_common_passes(model, registry) is True
    expected_types = {"Parameter": 1, "Constant": 4, "Convolution": 1, "Add": 2, "Relu": 1}
    assert Counter(op_types(model)) == Counter({**expected_types, "Reshape": 1, "Result": 1})
    (got,) = evaluate(model, [x])
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    assert model.output("y").node.friendly_name == "y"
    assert run_common_passes(model, registry) is False
    # the clone taken before is untouched
    assert "BatchNormInference" in op_types(reference)


def test_common_passes_with_fp16_compression(ops, registry, evaluate, op_types):
    model = messy_model(ops)
    x = RNG.standard_normal((1, 3, 6, 6)).astype(np.float32)
    (expected,) = evaluate(model.clone(), [x])
    run_common_passes(model, registry, compress_to_fp16=True)
    converts = [n for n in model.get_ordered_ops() if n.type_name == "Convert"]
    assert converts and all("decompression" in c.rt_info for c in converts)
    assert all(c.inputs[0].node.get_output_element_type(0) is Type.f16 for c in converts)
    (got,) = evaluate(model, [x])
    np.testing.assert_allclose(got, expected, rtol=2e-2, atol=2e-2)
