"""``pyvino convert`` (ovc): input shapes, output cut, fp16 default."""

from __future__ import annotations

import numpy as np
import onnx
import pyvino
from defusedxml import ElementTree
from onnx import TensorProto, helper
from pyvino.cli import main
from pyvino.cli._convert import parse_input_spec


def _onnx(path):
    w = helper.make_tensor("w", TensorProto.FLOAT, [4, 4], np.eye(4, dtype=np.float32).ravel())
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["h"], name="mm"),
         helper.make_node("Relu", ["h"], ["y"], name="relu")],
        "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 4])], [w])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def test_input_spec_syntax():
    spec = parse_input_spec("x[1,3,224,224],mask[1,?]")
    assert str(spec["x"]) == "[1,3,224,224]" and str(spec["mask"]) == "[1,?]"
    (only,) = parse_input_spec("[1..8,4]")
    assert str(only) == "[1..8,4]"


def test_convert_with_shapes_cut_and_fp16(tmp_path, capsys):
    src = tmp_path / "m.onnx"
    _onnx(src)
    out = tmp_path / "m.xml"
    assert main(["convert", str(src), "-o", str(out), "--input", "x[1..8,4]", "--output", "h"]) == 0
    assert "[ SUCCESS ]" in capsys.readouterr().out
    model = pyvino.Core().read_model(out)
    assert str(model.input(0).partial_shape) == "[1..8,4]"
    assert [o.get_names() for o in model.outputs] == [{"h"}]
    root = ElementTree.fromstring(out.read_bytes())
    assert any(layer.find("data") is not None and layer.find("data").get("element_type") == "f16"
               for layer in root.iter("layer") if layer.get("type") == "Const")
    x = np.arange(12, dtype=np.float32).reshape(3, 4) - 6
    got = pyvino.Core().compile_model(model, "CPU")(x)[0]
    np.testing.assert_allclose(got, x)  # cut before Relu: identity weights


def test_convert_keeps_fp32_when_asked(tmp_path):
    src = tmp_path / "m.onnx"
    _onnx(src)
    out = tmp_path / "m32.xml"
    assert main(["convert", str(src), "-o", str(out), "--compress_to_fp16", "False"]) == 0
    root = ElementTree.fromstring(out.read_bytes())
    types = {layer.find("data").get("element_type") for layer in root.iter("layer")
             if layer.get("type") == "Const"}
    assert types == {"f32"}
