"""Custom-layer helpers: onnx_op_mapping (OpenVINO's OpExtension), op_kernel, Extension, IR
``version="extension"`` and the OpenCLKernel contract."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from onnx import TensorProto, helper
from pyvino import INT, Attr, Op
from pyvino._extension import Extension, onnx_op_mapping, op_kernel
from pyvino._opencl_kernel import OpenCLKernel
from pyvino._plugins import PluginManager
from pyvino.ir import read_ir_bytes, serialize_ir


class MyRelu1(Op):
    """A custom op as a user would write it: max(x, 0) with a scale attribute."""

    type_name = "MyRelu"
    version_id = "extension"
    num_inputs = 1
    attributes = (Attr("scale", INT, 1),)

    def infer(self):
        return [(self.input_type(0), self.input_shape(0))]

    def evaluate(self, x):
        return ((np.maximum(x, 0) * self.attrs["scale"]).astype(x.dtype),)


def foo_model(**attrs) -> object:
    """com.acme.Foo(x) as in OpenVINO's reference notes (section 7.2)."""
    node = helper.make_node("Foo", ["x"], ["y"], domain="com.acme", **attrs)
    graph = helper.make_graph(
        [node],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])],
    )
    return helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.acme", 1)]
    )


def elu(x, alpha):
    return np.where(x > 0, x, alpha * (np.exp(x) - 1))


def test_without_a_mapping_the_custom_op_is_listed_as_unsupported():
    with pytest.raises(pyvino.UnsupportedOpError, match=r"com\.acme\.Foo"):
        pyvino.convert_model(foo_model(alpha=0.5))


def test_onnx_op_mapping_renames_to_an_opset_op_and_runs():
    mapping = Extension(
        "acme", converters=[onnx_op_mapping("com.acme", "Foo", "Elu", {"alpha": "alpha"})]
    )
    model = pyvino.convert_model(foo_model(alpha=0.5), extension=mapping)
    (node,) = [n for n in model.get_ordered_ops() if n.type_name == "Elu"]
    assert node.attrs == {"alpha": 0.5} and node.op_version() == 1
    x = np.linspace(-2, 2, 6, dtype=np.float32).reshape(2, 3)
    out = pyvino.Core().compile_model(model, "CPU")(x)[0]
    np.testing.assert_allclose(out, elu(x, 0.5), rtol=1e-6)


def test_onnx_op_mapping_fixed_values_and_missing_required_attribute():
    fixed = onnx_op_mapping("com.acme", "Foo", "Elu", values={"alpha": 2.0})
    model = pyvino.convert_model(foo_model(), extension=Extension("a", converters=[fixed]))
    assert [n.attrs for n in model.get_ordered_ops() if n.type_name == "Elu"] == [{"alpha": 2.0}]
    missing = onnx_op_mapping("com.acme", "Foo", "Elu", {"alpha": "alpha"})
    with pytest.raises(pyvino.ConversionError, match=r"'y'.*alpha.*required"):
        pyvino.convert_model(foo_model(), extension=Extension("b", converters=[missing]))


def test_onnx_op_mapping_to_an_extension_op_class():
    spec = onnx_op_mapping("com.acme", "Foo", MyRelu1, {"scale": "factor"})
    ext = Extension("acme", ops=[MyRelu1], converters=[spec])
    model = pyvino.convert_model(foo_model(factor=3), extension=ext)
    x = np.array([[-1, 2, 3], [4, -5, 6]], np.float32)
    core = pyvino.Core()
    core.add_extension(ext)
    np.testing.assert_array_equal(core.compile_model(model, "CPU")(x)[0], np.maximum(x, 0) * 3)


def test_onnx_op_mapping_rejects_an_attribute_both_mapped_and_fixed():
    with pytest.raises(pyvino.PluginError, match="alpha"):
        onnx_op_mapping("com.acme", "Foo", "Elu", {"alpha": "a"}, values={"alpha": 1.0})


def test_extension_validates_what_it_bundles():
    with pytest.raises(pyvino.PluginError, match="not an Op class"):
        Extension("x", ops=[int])
    with pytest.raises(pyvino.PluginError, match="version_id 'opset1'.*'extension'"):
        Extension("x", ops=[type("Bad1", (MyRelu1,), {"version_id": "opset1"})])
    with pytest.raises(pyvino.PluginError, match="kernel .* is not a KernelSpec"):
        Extension("x", kernels=[lambda node, x: (x,)])


def test_extension_hooks_give_kernels_per_device():
    cpu = op_kernel("CPU", MyRelu1, lambda node, x: (x,))
    assert cpu.op == ("MyRelu", "extension")
    ext = Extension(
        "acme", ops=[MyRelu1], kernels=[cpu, op_kernel("GPU", ("MyRelu", "extension"), object())]
    )
    assert ext.pyvino_kernels("CPU") == [cpu]
    assert [k.device for k in ext.pyvino_kernels("GPU")] == ["GPU"]
    assert ext.pyvino_kernels("VPU") == []
    assert [o.name for o in ext.pyvino_opsets()] == ["extension"]
    assert "1 op(s)" in repr(ext)


def test_core_add_extension_uses_the_extension_kernel_and_keeps_it_private():
    calls = []

    def kernel(node, x):
        calls.append(node.friendly_name)
        return (np.maximum(x, 0) * node.attrs["scale"],)

    core, other = pyvino.Core(), pyvino.Core()
    core.add_extension(
        Extension("acme", ops=[MyRelu1], kernels=[op_kernel("CPU", MyRelu1, kernel)])
    )
    x = pyvino.Parameter("f32", [4], "x")
    model = pyvino.Model([MyRelu1([x], {"scale": 2}, "relu")], [x], "m")
    out = core.compile_model(model, "CPU")(np.array([-1, 1, -2, 2], np.float32))[0]
    np.testing.assert_array_equal(out, [0, 2, 0, 4])
    assert calls == ["relu"]
    assert (
        not other.plugin_manager.registry.has_opset("extension")
        or other.plugin_manager.registry.get_opset("extension").get("MyRelu") is None
    )


def test_ir_writes_version_extension_and_reads_it_only_when_registered():
    x = pyvino.Parameter("f32", [2, 2], "x")
    model = pyvino.Model([MyRelu1([x], {"scale": 3}, "my_relu")], [x], "m")
    xml, weights = serialize_ir(model)
    assert b'type="MyRelu" version="extension"' in xml
    core = pyvino.Core()
    core.add_extension(MyRelu1)
    again = read_ir_bytes(xml, weights, core.plugin_manager.registry)
    (node,) = [n for n in again.get_ordered_ops() if n.type_name == "MyRelu"]
    assert type(node) is MyRelu1 and node.attrs == {"scale": 3}
    bare = pyvino.Core(manager=PluginManager(autoload=False))
    bare.add_extension("pyvino_opsets._plugin")
    with pytest.raises(pyvino.ModelReadError, match=r"my_relu.*MyRelu.*extension"):
        read_ir_bytes(xml, weights, bare.plugin_manager.registry)


def test_opencl_kernel_program_source_and_launch_sizes():
    kernel = OpenCLKernel(
        "k",
        "__kernel void k() {}",
        lambda n: [10, 2],
        defines=lambda n: {"N": 3, "SCALE": 0.5, "FLAG": True, "DIMS": "{1, 2}"},
        local_size=lambda n: (2, 1),
    )
    src = kernel.program_source(None, "half")  # type: ignore[arg-type]
    assert src.startswith("#define DATA_T half\n") and "vload_half((i), (p))" in src
    for line in (
        "#define N 3\n",
        "#define SCALE 0.5f\n",
        "#define FLAG 1\n",
        "#define DIMS {1, 2}\n",
    ):
        assert line in src
    assert src.endswith("__kernel void k() {}")
    assert kernel.launch_sizes(None) == ((10, 2), (2, 1))  # type: ignore[arg-type]
    renamed = kernel.program_source(None, "float", entry_name="k7_ext")  # type: ignore[arg-type]
    assert "#define k k7_ext\n" in renamed
    assert renamed.endswith(
        "#undef DATA_T\n#undef LOAD\n#undef STORE\n#undef N\n#undef SCALE\n"
        "#undef FLAG\n#undef DIMS\n#undef k\n"
    )
    with pytest.raises(ValueError, match="storage"):
        kernel.program_source(None, "double")  # type: ignore[arg-type]


def test_an_extension_op_class_without_a_version_suffix_describes_itself():
    class MyCustomRelu(MyRelu1):
        pass

    node = MyCustomRelu([pyvino.Parameter("f32", [2], "x")], name="r")
    assert node.describe() == "node 'r' (MyRelu-1)"
