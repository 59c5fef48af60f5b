"""A broken extension is reported with a clear error naming what broke, and never takes the
Core down: other models still compile and run on the same Core afterwards."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from onnx import TensorProto, helper
from pyvino import Op
from pyvino._extension import Extension, onnx_op_mapping, op_kernel
from pyvino.ir import read_ir_bytes, serialize_ir
from pyvino_ext_fft import FFT1


def relu_still_runs(core: pyvino.Core) -> None:
    ops = pyvino.opset8
    x = ops.parameter([3], "f32", name="x")
    out = core.compile_model(pyvino.Model([ops.relu(x)], [x], "m"), "CPU")(
        np.array([-1, 0, 2], np.float32)
    )[0]
    np.testing.assert_array_equal(out, [0, 0, 2])


class MyFFT1(FFT1):
    """FFT under another name, so that its kernel does not clash with pyvino-ext-fft's."""

    type_name = "MyFFT"


def fft_model() -> pyvino.Model:
    x = pyvino.Parameter("f32", [4, 2], "x")
    return pyvino.Model([MyFFT1([x], {"axis": 0}, "fft")], [x], "fft_model")


def test_a_kernel_that_raises_fails_the_request_naming_the_node():
    def exploding(node, x):
        raise FloatingPointError("butterfly overflow")

    core = pyvino.Core()
    core.add_extension(
        Extension("exploding", ops=[MyFFT1], kernels=[op_kernel("CPU", MyFFT1, exploding)])
    )
    compiled = core.compile_model(fft_model(), "CPU")
    with pytest.raises(pyvino.InferenceError, match=r"'fft'.*MyFFT.*FloatingPointError: butterfly"):
        compiled(np.ones((4, 2), np.float32))
    relu_still_runs(core)


def test_a_hook_that_raises_is_recorded_and_its_plugin_dropped():
    class RaisingKernels:
        @pyvino.hookimpl
        def pyvino_kernels(self, device):
            raise RuntimeError("GPU driver query failed")

    core = pyvino.Core()
    core.add_extension(RaisingKernels())
    relu_still_runs(core)
    (record,) = [r for r in core.plugin_manager.records if r.error]
    assert record.status == "failed" and "GPU driver query failed" in record.error


class Garbage1(Op):
    """An op whose infer returns garbage (not a list of (type, shape) pairs)."""

    type_name = "Garbage"
    version_id = "extension"
    num_inputs = 1

    def infer(self):
        return None

    def evaluate(self, x):
        return (x,)


class Honest1(Garbage1):
    def infer(self):
        return [(self.input_type(0), self.input_shape(0))]


def garbage_onnx() -> object:
    node = helper.make_node("Garbage", ["x"], ["y"], domain="com.acme")
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
    )
    return helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.acme", 1)]
    )


def test_an_op_whose_infer_returns_garbage_fails_conversion_naming_the_node():
    ext = Extension(
        "garbage", ops=[Garbage1], converters=[onnx_op_mapping("com.acme", "Garbage", Garbage1)]
    )
    core = pyvino.Core()
    core.add_extension(ext)
    with pytest.raises(pyvino.ConversionError, match=r"'y'.*com\.acme\.Garbage"):
        core.read_model(garbage_onnx())
    relu_still_runs(core)


def test_an_op_whose_infer_returns_garbage_fails_ir_reading_naming_the_layer():
    x = pyvino.Parameter("f32", [2], "x")
    xml, weights = serialize_ir(pyvino.Model([Honest1([x], name="layer_g")], [x], "m"))
    core = pyvino.Core()
    core.add_extension(Garbage1)
    with pytest.raises(pyvino.ModelReadError, match=r"layer_g.*Garbage"):
        read_ir_bytes(xml, weights, core.plugin_manager.registry)
    relu_still_runs(core)


def test_building_an_op_whose_infer_returns_garbage_raises_op_validation_error():
    with pytest.raises(pyvino.OpValidationError, match=r"Garbage.*infer"):
        Garbage1([pyvino.Parameter("f32", [2], "x")], name="g")


def test_a_kernel_that_raises_on_constant_inputs_fails_compilation_naming_the_node():
    def exploding(node, x):
        raise FloatingPointError("butterfly overflow")

    core = pyvino.Core()
    core.add_extension(
        Extension("exploding", ops=[MyFFT1], kernels=[op_kernel("CPU", MyFFT1, exploding)])
    )
    x = pyvino.Parameter("f32", [4, 2], "x")
    folded = MyFFT1([pyvino.Constant(np.ones((4, 2), np.float32))], {"axis": 0}, "const_fft")
    model = pyvino.Model([folded, MyFFT1([x], {"axis": 0}, "fft")], [x], "m")
    with pytest.raises(
        pyvino.CompilationError, match=r"'const_fft'.*MyFFT.*FloatingPointError: butterfly"
    ) as caught:
        core.compile_model(model, "CPU")
    assert isinstance(caught.value.__cause__, FloatingPointError)
    relu_still_runs(core)


def test_adding_an_installed_extension_again_is_harmless():
    import pyvino_ext_fft

    core = pyvino.Core()
    core.add_extension(pyvino_ext_fft.EXTENSION)
    core.add_extension("pyvino_ext_fft._plugin")
    assert ("FFT", "extension") in core.plugin_manager.kernels("CPU")
