"""Custom converters, the frontend plugin record and the ONNX backend API."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
import pyvino
from frontend_helpers import make_model, run_pyvino, tensor
from onnx import helper
from pyvino import FrontendSpec, OnnxConverterSpec
from pyvino.frontend.onnx import NodeContext, backend, convert_onnx
from pyvino.frontend.onnx import _plugin as onnx_plugin


def custom_model() -> onnx.ModelProto:
    nodes = [helper.make_node("Scale", ["x"], ["y"], name="scale", domain="com.acme", factor=3.0)]
    proto = make_model(nodes, [tensor("x", [3])], [tensor("y", None)])
    proto.opset_import.append(helper.make_opsetid("com.acme", 1))
    return proto


def scale_converter(ctx: NodeContext) -> list[pyvino.Output]:
    x = ctx.input(0)
    factor = ctx.const(np.float32(ctx.attr("factor")))
    return [ctx.ops.multiply(x, factor).output(0)]


def test_custom_domain_converter(registry):
    spec = OnnxConverterSpec("com.acme", "Scale", scale_converter)
    model = convert_onnx(custom_model(), registry=registry, extra_converters=[spec])
    (y,) = run_pyvino(model, [np.array([1, 2, 3], np.float32)], registry)
    np.testing.assert_array_equal(y, [3, 6, 9])
    assert model.get_results()[0].inputs[0].node.friendly_name == "scale"


def test_extra_converter_takes_precedence_over_builtin(registry):
    def relu_as_negate(ctx: NodeContext) -> list[pyvino.Output]:
        return [ctx.ops.negative(ctx.input(0)).output(0)]

    proto = make_model(
        [helper.make_node("Relu", ["x"], ["y"])], [tensor("x", [2])], [tensor("y", None)]
    )
    spec = OnnxConverterSpec("", "Relu", relu_as_negate)
    (y,) = run_pyvino(proto, [np.array([1, -2], np.float32)], registry, extra_converters=[spec])
    np.testing.assert_array_equal(y, [-1, 2])


def test_extra_converter_since_version_is_respected(registry):
    spec = OnnxConverterSpec(
        "", "Relu", lambda ctx: [ctx.ops.negative(ctx.input(0)).output(0)], since_version=99
    )
    proto = make_model(
        [helper.make_node("Relu", ["x"], ["y"])], [tensor("x", [2])], [tensor("y", None)]
    )
    (y,) = run_pyvino(proto, [np.array([1, -2], np.float32)], registry, extra_converters=[spec])
    np.testing.assert_array_equal(y, [1, 0])  # the built-in Relu: opset 17 < 99


def test_converter_errors_name_the_node(registry):
    def broken(ctx: NodeContext) -> list[pyvino.Output]:
        raise ctx.fail("attribute 'factor' must be positive")

    with pytest.raises(
        pyvino.ConversionError, match="'scale' \\(com.acme.Scale, opset 1\\): attribute 'factor'"
    ):
        convert_onnx(
            custom_model(),
            registry=registry,
            extra_converters=[OnnxConverterSpec("com.acme", "Scale", broken)],
        )


def test_converter_bug_becomes_a_conversion_error(registry):
    def buggy(ctx: NodeContext) -> list[pyvino.Output]:
        return [{}["missing"]]

    with pytest.raises(pyvino.ConversionError, match="'scale'.*KeyError"):
        convert_onnx(
            custom_model(),
            registry=registry,
            extra_converters=[OnnxConverterSpec("com.acme", "Scale", buggy)],
        )


def test_plugin_contributes_the_onnx_frontend():
    (spec,) = onnx_plugin.pyvino_frontends()
    assert isinstance(spec, FrontendSpec)
    assert spec.name == "onnx" and spec.suffixes == (".onnx",)
    assert (
        spec.accepts(custom_model()) and not spec.accepts(b"bytes") and not spec.accepts("m.onnx")
    )


def test_plugin_load_uses_installed_opsets():
    proto = make_model(
        [helper.make_node("Relu", ["x"], ["y"])], [tensor("x", [2])], [tensor("y", None)]
    )
    model = onnx_plugin.load(proto, input={"x": [2]})
    assert isinstance(model, pyvino.Model)
    assert [op.type_name for op in model.get_ordered_ops()] == ["Parameter", "Relu", "Result"]


def test_backend_prepare_and_run():
    x = np.array([[-1.0, 2.0]], np.float32)
    proto = make_model(
        [helper.make_node("Relu", ["x"], ["y"]), helper.make_node("Neg", ["x"], ["z"])],
        [tensor("x", [1, 2])],
        [tensor("y", None), tensor("z", None)],
    )
    rep = backend.prepare(proto, "CPU")
    y, z = rep.run([x])
    np.testing.assert_array_equal(y, [[0, 2]])
    np.testing.assert_array_equal(z, [[1, -2]])
    assert rep.run([x]).z.tolist() == [[1.0, -2.0]]


def test_backend_run_node_and_devices():
    node = helper.make_node("Add", ["a", "b"], ["c"])
    (c,) = backend.run_node(node, [np.ones(3, np.float32), np.arange(3, dtype=np.float32)])
    np.testing.assert_array_equal(c, [1, 2, 3])
    assert backend.supports_device("CPU") and not backend.supports_device("CUDA")


def test_backend_reference_fallback_matches_compiled():
    x = np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3)
    proto = make_model(
        [helper.make_node("Softmax", ["x"], ["y"], axis=1)],
        [tensor("x", [2, 3])],
        [tensor("y", None)],
        opset=13,
    )
    reference = backend.prepare(proto, "CPU", compile=False)
    assert reference.compiled is None
    np.testing.assert_allclose(reference.run([x])[0], backend.prepare(proto).run([x])[0], rtol=1e-6)
