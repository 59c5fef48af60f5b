"""Foundation acceptance: builder model -> save_model -> read_model -> CPU == hand-written numpy."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from defusedxml import ElementTree


def numpy_reference(x, w, b, fc):
    """The same network written by hand with explicit loops (independent of the ops)."""
    n, c, h, wd = x.shape
    k = w.shape[0]
    padded = np.zeros((n, c, h + 2, wd + 2), np.float64)
    padded[:, :, 1:-1, 1:-1] = x
    conv = np.zeros((n, k, h, wd))
    for o in range(k):
        for i in range(h):
            for j in range(wd):
                conv[0, o, i, j] = np.sum(padded[0, :, i:i + 3, j:j + 3] * w[o])
    act = np.maximum(conv, 0) + b
    pooled = act.reshape(n, k, h // 2, 2, wd // 2, 2).max(axis=(3, 5))
    logits = pooled.reshape(1, -1) @ fc
    e = np.exp(logits - logits.max())
    return e / e.sum()


@pytest.fixture
def weights():
    rng = np.random.default_rng(42)
    return (rng.standard_normal((4, 3, 3, 3)).astype(np.float32) * 0.5,
            rng.standard_normal((1, 4, 1, 1)).astype(np.float32),
            rng.standard_normal((64, 10)).astype(np.float32) * 0.3)


def build(w, b, fc) -> pyvino.Model:
    ops = pyvino.opset8
    x = ops.parameter([1, 3, 8, 8], "f32", name="x")
    conv = ops.convolution(x, w, strides=[1, 1], pads_begin=[1, 1], pads_end=[1, 1],
                           dilations=[1, 1], name="conv")
    relu = ops.relu(conv, name="relu")
    add = ops.add(relu, b, name="add")
    pool = ops.max_pool(add, strides=[2, 2], pads_begin=[0, 0], pads_end=[0, 0], kernel=[2, 2],
                        dilations=[1, 1], name="pool")
    flat = ops.reshape(pool.output(0), np.array([1, 64], np.int64), special_zero=False, name="flatten")
    mm = ops.matmul(flat, fc, transpose_a=False, transpose_b=False, name="fc")
    prob = ops.softmax(mm, axis=1, name="prob")
    prob.output(0).set_names(["prob"])
    return pyvino.Model([prob], [x], "tiny_cnn")


@pytest.mark.parametrize("compress", [True, False])
def test_save_read_run_matches_numpy(tmp_path, weights, compress):
    model = build(*weights)
    path = tmp_path / "tiny.xml"
    pyvino.save_model(model, path, compress_to_fp16=compress)
    core = pyvino.Core()
    read = core.read_model(path)
    x = np.random.default_rng(0).standard_normal((1, 3, 8, 8)).astype(np.float32)
    got = core.compile_model(read, "CPU")({"x": x})["prob"]
    w, b, fc = weights
    if compress:  # the stored weights are f16: the oracle uses the same rounded values
        w, b, fc = (a.astype(np.float16).astype(np.float32) for a in (w, b, fc))
    np.testing.assert_allclose(got, numpy_reference(x, w, b, fc), rtol=1e-5, atol=1e-6)


def test_xml_has_openvino_structure(tmp_path, weights):
    path = tmp_path / "tiny.xml"
    pyvino.save_model(build(*weights), path)
    text = path.read_text()
    assert text.startswith('<?xml version="1.0"?>\n<net name="tiny_cnn" version="11">')
    root = ElementTree.fromstring(text.encode())
    layers = root.find("layers")
    kinds = [(layer.get("type"), layer.get("version")) for layer in layers]
    assert kinds[0] == ("Parameter", "opset1")
    assert ("Const", "opset1") in kinds and kinds[-1] == ("Result", "opset1")
    assert ("MaxPool", "opset8") in kinds and ("SoftMax", "opset8") in kinds  # serializer spelling
    by_name = {layer.get("name"): layer for layer in layers}
    conv = by_name["conv"]
    assert [p.get("id") for p in conv.find("input")] == ["0", "1"]
    assert [p.get("id") for p in conv.find("output")] == ["2"]
    assert conv.find("data").attrib == {"strides": "1, 1", "dilations": "1, 1",
                                         "pads_begin": "1, 1", "pads_end": "1, 1",
                                         "auto_pad": "explicit"}
    assert conv.find("output/port").get("precision") == "FP32"
    # fp16 compression: Const f16 feeding a Convert marked as decompression
    consts = [item for item in layers if item.get("type") == "Const"
              and item.find("data").get("element_type") == "f16"]
    assert consts, "weights were not compressed to f16"
    converts = [item for item in layers if item.get("type") == "Convert"]
    assert all(c.find("rt_info/attribute").get("name") == "decompression" for c in converts)
    edges = [(e.get("from-layer"), e.get("from-port"), e.get("to-layer"), e.get("to-port"))
             for e in root.find("edges")]
    ids = {layer.get("name"): layer.get("id") for layer in layers}
    assert (ids["x"], "0", ids["conv"], "0") in edges
    result = layers[-1]
    assert result.get("output_names") == "prob"
    assert root.find("layers/layer[@name='prob']/output/port").get("names") == "prob"
