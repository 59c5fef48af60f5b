"""Whole small models built with the opset builder: GPU against the CPU plugin."""

from __future__ import annotations

import math

import numpy as np
import pytest
import pyvino

ops = pyvino.opset8
rng = np.random.default_rng(7)


def w(*shape: int, scale: float = 0.2) -> np.ndarray:
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def conv(x, cout: int, cin: int, k: int, stride: int = 1, act: bool = True):
    y = ops.convolution(
        x,
        w(cout, cin, k, k),
        strides=[stride] * 2,
        pads_begin=[k // 2] * 2,
        pads_end=[k // 2] * 2,
        dilations=[1, 1],
    )
    y = ops.add(y, w(1, cout, 1, 1))
    return ops.relu(y) if act else y


def small_cnn() -> pyvino.Model:
    """ResNet/MobileNet pieces: stem, max pool, residual block, depthwise + HSwish, head."""
    x = ops.parameter([1, 3, 32, 32], "f32", name="image")
    y = ops.max_pool(
        conv(x, 16, 3, 3, 2),
        strides=[2, 2],
        dilations=[1, 1],
        pads_begin=[1, 1],
        pads_end=[1, 1],
        kernel=[3, 3],
    ).output(0)
    r = conv(conv(y, 16, 16, 3), 16, 16, 3, act=False)
    y = ops.relu(ops.add(r, y))
    d = ops.group_convolution(
        y, w(16, 1, 1, 3, 3), strides=[1, 1], pads_begin=[1, 1], pads_end=[1, 1], dilations=[1, 1]
    )
    y = conv(ops.h_swish(d), 24, 16, 1)
    y = ops.reduce_mean(y, np.array([2, 3]), keep_dims=False)
    logits = ops.add(ops.matmul(y, w(24, 10), transpose_a=False, transpose_b=False), w(10))
    return pyvino.Model([ops.softmax(logits, axis=1)], [x], "small_cnn")


def layer_norm(x, hidden: int):
    mean = ops.reduce_mean(x, np.array([-1]), keep_dims=True)
    d = ops.subtract(x, mean)
    var = ops.reduce_mean(ops.power(d, np.float32(2)), np.array([-1]), keep_dims=True)
    y = ops.divide(d, ops.sqrt(ops.add(var, np.float32(1e-12))))
    return ops.add(ops.multiply(y, w(hidden, scale=0.05) + 1), w(hidden, scale=0.02))


def tiny_bert(seq: int = 16, hidden: int = 32, heads: int = 4) -> pyvino.Model:
    """Embedding Gather, attention with mask, LayerNorm pattern and MVN, erf Gelu, pooler."""
    ids = ops.parameter([1, seq], "i64", name="input_ids")
    mask = ops.parameter([1, seq], "i64", name="attention_mask")
    pos = ops.gather(w(64, hidden), np.arange(seq)[None], np.array(0))
    x = layer_norm(ops.add(ops.gather(w(50, hidden), ids, np.array(0)), pos), hidden)
    bias = ops.multiply(
        ops.subtract(
            np.float32(1),
            ops.convert(ops.unsqueeze(mask, np.array([1, 2])), destination_type="f32"),
        ),
        np.float32(-10000),
    )

    def linear(v, n_in, n_out):
        return ops.add(
            ops.matmul(v, w(n_in, n_out), transpose_a=False, transpose_b=False),
            w(n_out, scale=0.02),
        )

    def split_heads(v, perm):
        shaped = ops.reshape(v, np.array([0, 0, heads, hidden // heads]), special_zero=True)
        return ops.transpose(shaped, np.array(perm))

    q = split_heads(linear(x, hidden, hidden), [0, 2, 1, 3])
    k = split_heads(linear(x, hidden, hidden), [0, 2, 3, 1])
    v = split_heads(linear(x, hidden, hidden), [0, 2, 1, 3])
    scores = ops.divide(
        ops.matmul(q, k, transpose_a=False, transpose_b=False),
        np.float32(math.sqrt(hidden // heads)),
    )
    probs = ops.softmax(ops.add(scores, bias), axis=-1)
    ctx = ops.transpose(
        ops.matmul(probs, v, transpose_a=False, transpose_b=False), np.array([0, 2, 1, 3])
    )
    ctx = ops.reshape(ctx, np.array([0, 0, hidden]), special_zero=True)
    x = layer_norm(ops.add(linear(ctx, hidden, hidden), x), hidden)
    h = linear(x, hidden, 4 * hidden)
    gelu = ops.multiply(
        ops.multiply(h, np.float32(0.5)),
        ops.add(ops.erf(ops.divide(h, np.float32(math.sqrt(2)))), np.float32(1)),
    )
    x = ops.add(linear(gelu, 4 * hidden, hidden), x)
    x = ops.add(
        ops.multiply(
            ops.mvn(x, np.array([-1]), eps=1e-12, normalize_variance=True, eps_mode="INSIDE_SQRT"),
            w(hidden) + 1,
        ),
        w(hidden),
    )
    pooled = ops.tanh(linear(ops.gather(x, np.array(0), np.array(1)), hidden, hidden))
    return pyvino.Model([x, pooled], [ids, mask], "tiny_bert")


def tiny_unet() -> pyvino.Model:
    x = ops.parameter([1, 3, 24, 20], "f32", name="image")
    e1 = conv(x, 8, 3, 3)
    e2 = conv(
        ops.max_pool(
            e1, strides=[2, 2], dilations=[1, 1], pads_begin=[0, 0], pads_end=[0, 0], kernel=[2, 2]
        ).output(0),
        16,
        8,
        3,
    )
    up = pyvino.opset11.interpolate(
        e2,
        np.array([2.0, 2.0], np.float32),
        np.array([2, 3]),
        mode="linear_onnx",
        shape_calculation_mode="scales",
        coordinate_transformation_mode="half_pixel",
    )
    d = conv(ops.concat(up, e1, axis=1), 8, 24, 3)
    return pyvino.Model([ops.sigmoid(conv(d, 2, 8, 1, act=False))], [x], "tiny_unet")


def inputs_for(model: pyvino.Model) -> list[np.ndarray]:
    out = []
    for p in model.get_parameters():
        shape = p.get_output_partial_shape(0).to_shape()
        if p.get_element_type().name == "i64":
            out.append(rng.integers(0, 2 if "mask" in p.friendly_name else 50, shape))
        else:
            out.append(rng.standard_normal(shape).astype(np.float32))
    return out


@pytest.mark.parametrize("build", [small_cnn, tiny_bert, tiny_unet])
def test_model_matches_cpu(core, build, precision) -> None:
    model = build()
    inputs = inputs_for(model)
    gpu = core.compile_model(model, "GPU", {"INFERENCE_PRECISION_HINT": precision})
    assert gpu.get_property("INFERENCE_PRECISION_HINT") == pyvino.Type.get(precision)
    cpu = core.compile_model(model, "CPU")
    tol = 1e-3 if precision == "f32" else 3e-2
    for got, want in zip(gpu(inputs).to_tuple(), cpu(inputs).to_tuple()):
        scale = max(1.0, float(np.abs(want).max()))
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol * scale)


def detector(soft_nms_sigma: float) -> pyvino.Model:
    x = ops.parameter([1, 3, 16, 16], "f32", name="image")
    h = conv(x, 8, 3, 3, 2)
    h = ops.multiply(h, ops.sigmoid(h))  # SiLU as exported from PyTorch
    pred = ops.transpose(
        ops.reshape(conv(h, 5, 8, 1, act=False), np.array([1, 5, 64]), special_zero=False),
        np.array([0, 2, 1]),
    )
    boxes = ops.strided_slice(
        pred,
        np.array([0, 0, 0]),
        np.array([0, 0, 4]),
        np.array([1, 1, 1]),
        begin_mask=[1, 1, 0],
        end_mask=[1, 1, 0],
    )
    scores = ops.sigmoid(
        ops.transpose(
            ops.strided_slice(
                pred,
                np.array([0, 0, 4]),
                np.array([0, 0, 5]),
                np.array([1, 1, 1]),
                begin_mask=[1, 1, 0],
                end_mask=[1, 1, 0],
            ),
            np.array([0, 2, 1]),
        )
    )
    nms = pyvino.opset9.non_max_suppression(
        boxes, scores, np.array([10]), np.float32(0.5), np.float32(0.2), np.float32(soft_nms_sigma)
    )
    return pyvino.Model([nms.output(0), scores], [x], "detector")


def test_detector_with_hard_nms_runs_on_gpu(core) -> None:
    """Hard NonMaxSuppression has a GPU kernel: the whole detector, Results included."""
    model = detector(0.0)
    claimed = core.query_model(model, "GPU")
    assert all(n.friendly_name in claimed for n in model.get_ordered_ops())
    image = rng.standard_normal((1, 3, 16, 16)).astype(np.float32)
    got = core.compile_model(model, "GPU", {"INFERENCE_PRECISION_HINT": "f32"})(image)
    want = core.compile_model(model, "CPU")(image)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-3, atol=1e-3)
    np.testing.assert_array_equal(got[0], want[0])


def test_detector_with_soft_nms_is_not_claimed(core) -> None:
    """Soft-NMS has no GPU kernel: query_model leaves it out, compile names it."""
    model = detector(0.5)
    claimed = core.query_model(model, "GPU")
    missing = {n.type_name for n in model.get_ordered_ops() if n.friendly_name not in claimed}
    assert missing - {"Result"} == {"NonMaxSuppression"}  # its dynamic-shape Result goes too
    with pytest.raises(pyvino.CompilationError, match="NonMaxSuppression"):
        core.compile_model(model, "GPU")
    if "HETERO" in core._device_names():
        hetero = core.compile_model(model, "HETERO:GPU,CPU")
        cpu = core.compile_model(model, "CPU")
        image = rng.standard_normal((1, 3, 16, 16)).astype(np.float32)
        got, want = hetero(image).to_tuple(), cpu(image).to_tuple()
        np.testing.assert_allclose(got[1], want[1], rtol=1e-3, atol=1e-3)
