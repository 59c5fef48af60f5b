"""What the converted Model looks like: parameters, constants, names, outputs, external data."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
import pyvino
from frontend_helpers import make_model, run_pyvino, run_reference, tensor
from onnx import helper, numpy_helper
from pyvino import Constant, Parameter
from pyvino.frontend.onnx import convert_onnx

RNG = np.random.default_rng(1)


def conv_relu_model(
    ir_version: int | None = None, weights_as_inputs: bool = False
) -> onnx.ModelProto:
    """x[1,3,8,8] -> Conv(W, B, pad 1) "conv1" -> Relu "relu1" -> y; extra unused input "spare"."""
    w = RNG.standard_normal((4, 3, 3, 3)).astype(np.float32)
    b = RNG.standard_normal(4).astype(np.float32)
    nodes = [
        helper.make_node("Conv", ["x", "W", "B"], ["c"], name="conv1", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["y"], name="relu1"),
    ]
    inputs = [tensor("x", [1, 3, 8, 8]), tensor("spare", [2])]
    if weights_as_inputs:
        inputs += [tensor("W", w.shape), tensor("B", b.shape)]
    return make_model(
        nodes,
        inputs,
        [tensor("y", None)],
        opset=11,
        initializers=[("W", w), ("B", b)],
        ir_version=ir_version,
    )


def test_conv_with_bias_is_convolution_plus_add(registry):
    model = convert_onnx(conv_relu_model(), registry=registry)
    by_name = {op.friendly_name: op for op in model.get_ordered_ops()}
    assert by_name["conv1/WithoutBiases"].type_name == "Convolution"
    assert by_name["conv1"].type_name == "Add"
    assert by_name["conv1"].inputs[0].node is by_name["conv1/WithoutBiases"]
    assert by_name["relu1"].type_name == "Relu"


def test_values_match_reference(registry):
    proto = conv_relu_model()
    x = RNG.standard_normal((1, 3, 8, 8)).astype(np.float32)
    spare = np.zeros(2, np.float32)
    (ours,) = run_pyvino(proto, [x, spare], registry)
    (expected,) = run_reference(proto, [x, spare])
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)


def test_unused_input_is_kept_as_parameter(registry):
    model = convert_onnx(conv_relu_model(), registry=registry)
    names = [p.friendly_name for p in model.get_parameters()]
    assert names == ["x", "spare"]
    assert model.input("spare").get_partial_shape() == pyvino.PartialShape([2])


def test_parameters_and_results_carry_onnx_names(registry):
    model = convert_onnx(conv_relu_model(), registry=registry)
    x = model.get_parameters()[0]
    assert x.friendly_name == "x" and x.output(0).get_names() == {"x"}
    assert x.get_element_type() is pyvino.Type.f32
    (result,) = model.get_results()
    assert result.friendly_name == "y/sink_port_0"
    assert "y" in model.output(0).get_names()
    assert (
        "c"
        in model.get_ops()[[op.friendly_name for op in model.get_ops()].index("conv1")]
        .output(0)
        .get_names()
    )


@pytest.mark.parametrize("ir_version", [3, 8])
def test_initializers_listed_as_inputs_are_constants(registry, ir_version):
    model = convert_onnx(conv_relu_model(ir_version, weights_as_inputs=True), registry=registry)
    assert [p.friendly_name for p in model.get_parameters()] == ["x", "spare"]
    consts = {op.friendly_name for op in model.get_ordered_ops() if isinstance(op, Constant)}
    assert {"W", "B"} <= consts


def test_multiple_outputs_in_graph_order(registry):
    x = RNG.standard_normal((2, 6)).astype(np.float32)
    nodes = [
        helper.make_node("Split", ["x"], ["a", "b"], name="split", axis=1, num_outputs=2),
        helper.make_node("Neg", ["b"], ["nb"], name="neg"),
    ]
    proto = make_model(
        nodes,
        [tensor("x", [2, 6])],
        [tensor("nb", None), tensor("a", None), tensor("x", None)],
        opset=18,
    )
    model = convert_onnx(proto, registry=registry)
    assert [sorted(o.get_names()) for o in model.outputs] == [["nb"], ["a"], ["x"]]
    nb, a, same = run_pyvino(model, [x], registry)
    np.testing.assert_array_equal(nb, -x[:, 3:])
    np.testing.assert_array_equal(a, x[:, :3])
    np.testing.assert_array_equal(same, x)


def test_identity_adds_a_tensor_name(registry):
    nodes = [helper.make_node("Relu", ["x"], ["r"]), helper.make_node("Identity", ["r"], ["y"])]
    model = convert_onnx(
        make_model(nodes, [tensor("x", [3])], [tensor("y", None)]), registry=registry
    )
    assert model.output(0).get_names() == {"r", "y"}


def test_dynamic_dims_and_rank(registry):
    nodes = [helper.make_node("Relu", ["x"], ["y"]), helper.make_node("Relu", ["z"], ["w"])]
    inputs = [
        tensor("x", ["batch", 3, None]),
        helper.make_tensor_value_info("z", onnx.TensorProto.FLOAT, None),
    ]
    model = convert_onnx(
        make_model(nodes, inputs, [tensor("y", None), tensor("w", None)]), registry=registry
    )
    assert str(model.input("x").get_partial_shape()) == "[?,3,?]"
    assert not model.input("z").get_partial_shape().rank_is_static


class TestExternalData:
    def _save(self, tmp_path, location: str = "weights.bin"):
        proto = conv_relu_model()
        arrays = {t.name: numpy_helper.to_array(t) for t in proto.graph.initializer}
        path = tmp_path / "model.onnx"
        onnx.save_model(
            proto,
            str(path),
            save_as_external_data=True,
            all_tensors_to_one_file=True,
            location=location,
            size_threshold=0,
        )
        return arrays, path

    def test_loads_relative_to_the_model_folder(self, registry, tmp_path, monkeypatch):
        arrays, path = self._save(tmp_path)
        assert (tmp_path / "weights.bin").stat().st_size > 0
        monkeypatch.chdir("/")
        model = convert_onnx(str(path), registry=registry)
        consts = {
            op.friendly_name: op for op in model.get_ordered_ops() if isinstance(op, Constant)
        }
        np.testing.assert_array_equal(consts["W"].get_data(), arrays["W"])
        np.testing.assert_array_equal(consts["B"].get_data(), arrays["B"])

    def test_missing_file_is_a_conversion_error(self, registry, tmp_path):
        _, path = self._save(tmp_path)
        (tmp_path / "weights.bin").unlink()
        with pytest.raises(pyvino.ConversionError, match=r"tensor 'W'.*weights.bin.*not found"):
            convert_onnx(path, registry=registry)

    def test_truncated_file_is_a_conversion_error(self, registry, tmp_path):
        _, path = self._save(tmp_path)
        data = (tmp_path / "weights.bin").read_bytes()
        (tmp_path / "weights.bin").write_bytes(data[:10])
        with pytest.raises(pyvino.ConversionError, match="lies outside file"):
            convert_onnx(path, registry=registry)

    def test_location_outside_the_folder_is_rejected(self, registry, tmp_path):
        _, path = self._save(tmp_path)
        model = onnx.load(str(path), load_external_data=False)
        for tensor_proto in model.graph.initializer:
            for entry in tensor_proto.external_data:
                if entry.key == "location":
                    entry.value = "../secret.bin"
        path.write_bytes(model.SerializeToString())
        with pytest.raises(pyvino.ConversionError, match="inside the model's folder"):
            convert_onnx(path, registry=registry)

    def test_in_memory_model_with_external_data_is_rejected(self, registry, tmp_path):
        _, path = self._save(tmp_path)
        model = onnx.load(str(path), load_external_data=False)
        with pytest.raises(pyvino.ConversionError, match="external file 'weights.bin'"):
            convert_onnx(model, registry=registry)


def test_sources_path_bytes_and_proto_agree(registry, tmp_path):
    proto = conv_relu_model()
    path = tmp_path / "m.onnx"
    path.write_bytes(proto.SerializeToString())
    x = RNG.standard_normal((1, 3, 8, 8)).astype(np.float32)
    feeds = [x, np.zeros(2, np.float32)]
    results = [
        run_pyvino(src, feeds, registry)[0]
        for src in (proto, proto.SerializeToString(), path, str(path))
    ]
    for r in results[1:]:
        np.testing.assert_array_equal(r, results[0])


def test_sparse_initializer_becomes_dense_constant(registry):
    values = numpy_helper.from_array(np.array([5.0, 7.0], np.float32), "s")
    indices = numpy_helper.from_array(np.array([1, 4], np.int64), "s_idx")
    sparse = helper.make_sparse_tensor(values, indices, [2, 3])
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "s"], ["y"])],
        "g",
        [tensor("x", [2, 3])],
        [tensor("y", None)],
        sparse_initializer=[sparse],
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    (y,) = run_pyvino(proto, [np.zeros((2, 3), np.float32)], registry)
    np.testing.assert_array_equal(y, np.array([[0, 5, 0], [0, 7, 0]], np.float32))


def test_parameter_type_follows_the_onnx_type(registry):
    nodes = [helper.make_node("Identity", ["x"], ["y"])]
    model = convert_onnx(
        make_model(nodes, [tensor("x", [2], onnx.TensorProto.INT8)], [tensor("y", None)]),
        registry=registry,
    )
    assert isinstance(model.get_parameters()[0], Parameter)
    assert model.get_parameters()[0].get_element_type() is pyvino.Type.i8
