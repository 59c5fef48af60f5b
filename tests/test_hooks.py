"""One test per hook of ``pyvino.hookspecs`` (named ``test_hook_<hook>``; tests/test_meta.py
checks that every hook has one). Each registers a plugin at runtime and checks the effect."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import pyvino
from pyvino.testing import FakeDevice


class Cube1(pyvino.Op):
    type_name = "Cube"
    version_id = "extension"
    num_inputs = 1

    def infer(self):
        return [(self.input_type(0), self.input_shape(0))]

    def evaluate(self, x):
        return ((x**3).astype(x.dtype),)


class Plugin:
    """A plugin object whose hooks are set per test."""

    def __init__(self, **hooks):
        for name, fn in hooks.items():
            setattr(self, name, pyvino.hookimpl(fn))


def relu_model(name: str = "relu") -> pyvino.Model:
    ops = pyvino.opset8
    x = ops.parameter([4], "f32", name="x")
    return pyvino.Model([ops.relu(x, name=name)], [x], "relu_model")


def test_hook_pyvino_opsets():
    core = pyvino.Core()
    core.add_extension(Plugin(pyvino_opsets=lambda: [pyvino.Opset("extension", [Cube1])]))
    assert core.plugin_manager.registry.lookup("Cube", "extension") is Cube1
    other = pyvino.Core().plugin_manager.registry
    assert not (other.has_opset("extension") and other.get_opset("extension").get("Cube"))
    x = pyvino.Parameter("f32", [3], "x")
    out = core.compile_model(pyvino.Model([Cube1([x])], [x], "m"), "CPU")(
        np.array([1, 2, -3], np.float32)
    )
    np.testing.assert_array_equal(out[0], [1, 8, -27])


def test_hook_pyvino_devices():
    device = FakeDevice("TESTDEV", ops={"Relu"})
    core = pyvino.Core()
    core.add_extension(
        Plugin(pyvino_devices=lambda: [pyvino.DeviceSpec("TESTDEV", lambda: device)])
    )
    assert "TESTDEV" in core.available_devices
    compiled = core.compile_model(relu_model(), "TESTDEV")
    np.testing.assert_array_equal(compiled(np.array([-1, 0, 1, 2], np.float32))[0], [0, 0, 1, 2])
    assert device.calls == 1
    with pytest.raises(pyvino.DeviceNotFoundError):
        pyvino.Core().get_device_plugin("TESTDEV")


def test_hook_pyvino_kernels():
    seen = []

    def kernels(device):
        seen.append(device)
        return (
            [pyvino.KernelSpec("CPU", ("Relu", "opset1"), lambda node, x: (np.abs(x),))]
            if device == "CPU"
            else []
        )

    core = pyvino.Core()
    core.add_extension(Plugin(pyvino_kernels=kernels))
    out = core.compile_model(relu_model(), "CPU")(np.array([-1, 0, 1, -2], np.float32))[0]
    np.testing.assert_array_equal(out, [1, 0, 1, 2])  # the kernel, visibly not Relu
    assert "CPU" in seen


def test_hook_pyvino_frontends(tmp_path: Path):
    def load(source, manager=None, **options):
        ops = manager.registry.builder("opset8")
        x = ops.parameter([int(Path(source).read_text())], "f32", name="x")
        return pyvino.Model([ops.relu(x)], [x], "numbers")

    plugin = Plugin(pyvino_frontends=lambda: [pyvino.FrontendSpec("num", (".num",), load)])
    (tmp_path / "m.num").write_text("5")
    core = pyvino.Core()
    core.add_extension(plugin)
    assert core.read_model(tmp_path / "m.num").inputs[0].shape == (5,)
    model = pyvino.convert_model(tmp_path / "m.num", extension=plugin)
    assert [n.type_name for n in model.get_ordered_ops()] == ["Parameter", "Relu", "Result"]


def test_hook_pyvino_onnx_converters():
    from onnx import TensorProto, helper

    node = helper.make_node("Twice", ["x"], ["y"], domain="org.test")
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
    )
    proto = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("org.test", 1)]
    )
    spec = pyvino.OnnxConverterSpec(
        "org.test", "Twice", lambda ctx: [ctx.ops.add(ctx.input(0), ctx.input(0)).output(0)]
    )
    with pytest.raises(pyvino.UnsupportedOpError, match="org.test.Twice"):
        pyvino.convert_model(proto)
    model = pyvino.convert_model(proto, extension=Plugin(pyvino_onnx_converters=lambda: [spec]))
    out = pyvino.Core().compile_model(model, "CPU")(np.array([1, 2], np.float32))[0]
    np.testing.assert_array_equal(out, [2, 4])


def test_hook_pyvino_passes():
    def rename(model):
        for node in model.get_ordered_ops():
            if node.type_name == "Relu":
                node.set_friendly_name("renamed_by_pass")
        return True

    calls = []

    def passes(device):
        calls.append(device)
        return [pyvino.PassSpec("rename", rename)] if device == "" else []

    model = pyvino.convert_model(relu_model(), extension=Plugin(pyvino_passes=passes))
    assert "renamed_by_pass" in [n.friendly_name for n in model.get_ordered_ops()]
    assert "" in calls
