"""INT8 (FakeQuantize) models on the CPU plugin: the numba FakeQuantize kernel and its fused
form equal the opset's reference evaluate bit for bit, and a quantized zoo model runs with no
reference step for FakeQuantize or the i8 weight path."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
import pyvino
from pyvino import Model, zoo
from pyvino.quantization import quantize
from pyvino.testing import evaluate_model

from .conftest import exec_types, rand

ops = pyvino.opset15
CONV = dict(strides=[1, 1], pads_begin=[1, 1], pads_end=[1, 1], dilations=[1, 1])


def f32(*values: float) -> np.ndarray:
    return np.array(values, np.float32)


def fq_model(shape: tuple[int, ...], limits: list[np.ndarray], levels: int) -> Model:
    x = ops.parameter(list(shape), "f32", name="x")
    y = ops.fake_quantize(x, *limits, levels=levels, name="fq")
    return Model([y], [x], "fq")


def boundary_values(il: float, ih: float, levels: int) -> np.ndarray:
    """Values on every level, halfway between levels, at the range ends and just beyond,
    plus infinities and NaN; with power-of-two ranges the halves are exact in f32."""
    steps = levels - 1
    k = np.arange(-1, steps + 2, dtype=np.float64)
    grid = np.concatenate([k, k + 0.5]) / steps * (ih - il) + il
    ends = np.float32([il, ih])
    extra = np.concatenate(
        [
            np.nextafter(ends, np.float32(np.inf)),
            np.nextafter(ends, np.float32(-np.inf)),
            f32(np.inf, -np.inf, np.nan, 0.0, -0.0),
        ]
    )
    return np.concatenate([grid.astype(np.float32), extra])


def assert_same(actual: np.ndarray, expected: np.ndarray) -> None:
    """Bit-exact equality (NaN where NaN); the kernels promise the reference's arithmetic."""
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    np.testing.assert_array_equal(actual, expected)


def run_cpu(core, model: Model, inputs: list[np.ndarray]) -> tuple[np.ndarray, dict]:
    compiled = core.compile_model(model, "CPU", {"PERF_COUNT": True})
    request = compiled.create_infer_request()
    (out,) = request.infer(inputs).to_tuple()
    return out, exec_types(request)


# ----------------------------------------------------------------- the standalone kernel
@pytest.mark.parametrize(
    ("il", "ih", "ol", "oh", "levels"),
    [
        (-2.0, 2.0, -2.0, 2.0, 5),  # halves exactly representable: ties round to even
        (0.0, 1.0, 0.0, 1.0, 3),
        (0.0, 4.0, -1.0, 1.0, 2),
        (-8.0, 8.0, 0.0, 255.0, 256),  # output range in "integer" units
        (4.0, -4.0, -1.0, 1.0, 9),  # inverted input range
    ],
)
def test_scalar_ranges_at_rounding_boundaries(core, il, ih, ol, oh, levels):
    x = boundary_values(il, ih, levels)
    x = np.resize(x, (2, 3, 4, len(x)))  # 4D, so the kernel splits rows and columns
    limits = [f32(il), f32(ih), f32(ol), f32(oh)]
    model = fq_model(x.shape, limits, levels)
    out, types = run_cpu(core, model, [x])
    assert types["fq"] == ("EXECUTED", "numba_fake_quantize_FP32")
    assert_same(out, evaluate_model(model, [x])[0])


@pytest.mark.parametrize(
    ("shape", "range_shapes"),
    [
        ((1, 8, 5, 7), [(1, 8, 1, 1)] * 4),  # per channel, as OpenVINO IRs carry it
        ((2, 6, 9), [(6, 1), (6, 1), (1,), (1, 1, 1)]),  # per channel mixed with scalars
        ((3, 5, 16), [(16,), (), (16,), ()]),  # varies along the last axis
        ((4, 10), [(4, 1), (4, 1), (4, 1), (4, 1)]),  # along the first axis
        ((64,), [(), (), (), ()]),
    ],
)
@pytest.mark.parametrize("levels", [2, 16, 255, 256])
def test_broadcast_ranges_match_reference(core, shape, range_shapes, levels):
    rng = np.random.default_rng(levels)
    lows = [-rng.uniform(0.1, 3.0, s).astype(np.float32) for s in range_shapes[::2]]
    highs = [rng.uniform(0.1, 3.0, s).astype(np.float32) for s in range_shapes[1::2]]
    limits = [lows[0], highs[0], lows[1], highs[1]]
    x = (rng.standard_normal(shape) * 2).astype(np.float32)
    model = fq_model(shape, limits, levels)
    out, types = run_cpu(core, model, [x])
    assert types["fq"] == ("EXECUTED", "numba_fake_quantize_FP32")
    assert_same(out, evaluate_model(model, [x])[0])


def test_ranges_along_two_axes_fall_back_to_reference(core):
    x = rand(2, 3, 4, seed=1)
    limits = [f32(-1.0).reshape(1, 1, 1), rand(1, 3, 4, seed=2) ** 2 + 0.5, f32(-1.0), f32(1.0)]
    model = fq_model(x.shape, limits, 17)
    out, types = run_cpu(core, model, [x])
    assert types["fq"] == ("EXECUTED", "ref_any_FP32")
    assert_same(out, evaluate_model(model, [x])[0])


def test_invalid_levels_is_a_typed_error_naming_the_node():
    x = ops.parameter([1, 4], "f32", name="x")
    with pytest.raises(pyvino.PyvinoError, match="levels"):
        ops.fake_quantize(x, f32(0.0), f32(1.0), f32(0.0), f32(1.0), levels=1, name="bad_fq")


# ----------------------------------------------------------------- fused into chains
def test_fake_quantize_fuses_into_an_elementwise_chain(core):
    x = ops.parameter([2, 8, 6, 6], "f32", name="x")
    y = ops.multiply(ops.relu(x, name="relu"), f32(1.5), name="scale")
    y = ops.fake_quantize(y, f32(0.0), f32(4.0), f32(0.0), f32(4.0), levels=9, name="fq")
    model = Model([ops.add(y, f32(0.25), name="shift")], [x], "chain")
    data = np.resize(boundary_values(0.0, 4.0, 9) / np.float32(1.5), (2, 8, 6, 6))
    out, types = run_cpu(core, model, [data])
    assert types["fq"][0] == "OPTIMIZED_OUT" and types["shift"] == ("EXECUTED", "jit_eltwise_FP32")
    assert_same(out, evaluate_model(model, [data])[0])


@pytest.mark.parametrize("kernel_size", [1, 3])
def test_fake_quantize_fuses_after_convolution_bias_relu(core, kernel_size):
    """The quantized-model pattern. The convolution's own rounding differs from numpy's, so
    the oracle is the reference FakeQuantize applied to the CPU's output without it."""
    pads = [kernel_size // 2] * 2

    def model(with_fq: bool) -> Model:
        x = ops.parameter([1, 16, 10, 10], "f32", name="x")
        w = rand(24, 16, kernel_size, kernel_size, seed=4, scale=0.2)
        y = ops.convolution(x, w, **{**CONV, "pads_begin": pads, "pads_end": pads}, name="conv")
        y = ops.relu(ops.add(y, rand(1, 24, 1, 1, seed=5), name="bias"), name="relu")
        if with_fq:
            y = ops.fake_quantize(y, f32(0.0), f32(3.0), f32(0.0), f32(3.0), levels=256, name="fq")
        return Model([y], [x], "conv_fq")

    data = rand(1, 16, 10, 10, seed=6)
    plain, _ = run_cpu(core, model(False), [data])
    out, types = run_cpu(core, model(True), [data])
    assert types["fq"][0] == "OPTIMIZED_OUT" and types["conv"][0] == "EXECUTED"
    fq = fq_model(plain.shape, [f32(0.0), f32(3.0), f32(0.0), f32(3.0)], 256)
    assert_same(out, evaluate_model(fq, [plain])[0])


@pytest.mark.parametrize("levels", [9, 256])
def test_fake_quantize_fuses_after_depthwise_convolution(core, levels):
    """MobileNet's pattern: depthwise -> bias -> Clamp(0, 6) -> FakeQuantize. The depthwise
    kernel has no tile hook, so the FakeQuantize runs in place over its output buffer (the
    ``fake_quantize_inplace`` kernel); the oracle is the reference FakeQuantize applied to the
    CPU's output without it. Ranges of a power of two put values exactly on ties."""

    def model(with_fq: bool) -> Model:
        x = ops.parameter([1, 32, 12, 12], "f32", name="x")
        w = rand(32, 1, 1, 3, 3, seed=8, scale=0.3)
        y = ops.group_convolution(x, w, **CONV, name="dw")
        y = ops.clamp(
            ops.add(y, rand(1, 32, 1, 1, seed=9), name="bias"), min=0.0, max=6.0, name="relu6"
        )
        if with_fq:
            y = ops.fake_quantize(
                y, f32(0.0), f32(4.0), f32(0.0), f32(4.0), levels=levels, name="fq"
            )
        return Model([y], [x], "dw_fq")

    data = rand(1, 32, 12, 12, seed=10) * np.float32(4.0)
    plain, _ = run_cpu(core, model(False), [data])
    out, types = run_cpu(core, model(True), [data])
    assert types["fq"][0] == "OPTIMIZED_OUT" and types["dw"][0] == "EXECUTED"
    fq = fq_model(plain.shape, [f32(0.0), f32(4.0), f32(0.0), f32(4.0)], levels)
    assert_same(out, evaluate_model(fq, [plain])[0])


@pytest.mark.parametrize("in_place", [False, True])
def test_fake_quantize_kernels_on_a_block_of_columns(in_place):
    """The kernels anchors call on output tiles: only rows [r0, r1) x columns [c0, c1)
    change, each to the reference's value (per-row ranges, boundary values)."""
    from pyvino_cpu.kernels.fakequant import (
        fake_quantize_block,
        fake_quantize_inplace,
        range_table,
    )

    il, ih, ol, oh = (
        f32(-2.0, -1.0, 0.0),
        f32(2.0, 3.0, 1.0),
        f32(-2.0, 0.0, 0.0),
        f32(2.0, 1.0, 8.0),
    )
    values = boundary_values(-2.0, 2.0, 17)
    x = np.resize(values, (6, 2 * len(values)))
    out = x.copy() if in_place else np.full_like(x, 7.0)
    before = out.copy()
    r0, r1, c0, c1 = 1, 5, 3, x.shape[1] - 2
    table, steps = range_table(il, ih, ol, oh), np.float32(16)
    if in_place:
        fake_quantize_inplace(out, table, steps, r0, r1, c0, c1)
    else:
        fake_quantize_block(x, out, table, steps, r0, r1, c0, c1)
    expected = before.copy()
    for r in range(r0, r1):
        c = r % 3
        model = fq_model((c1 - c0,), [il[c], ih[c], ol[c], oh[c]], 17)
        expected[r, c0:c1] = evaluate_model(model, [x[r, c0:c1].copy()])[0]
    assert_same(out, expected)


# ----------------------------------------------------------------- a quantized zoo model
@pytest.fixture(scope="module")
def quantized_resnet18() -> tuple[Model, list[np.ndarray]]:
    model = pyvino.convert_model(zoo.build("resnet18"))  # BatchNorm folded, as CPU tests use
    rng = np.random.default_rng(7)
    shape = tuple(model.inputs[0].shape)
    calibration = [rng.standard_normal(shape).astype(np.float32) for _ in range(2)]
    quantized = quantize(model, calibration, subset_size=2, progress=False)
    tests = [rng.standard_normal(shape).astype(np.float32) for _ in range(2)]
    return quantized, tests


def activation_fqs(model: Model) -> list[pyvino.Op]:
    return [
        n
        for n in model.get_ordered_ops()
        if n.type_name == "FakeQuantize" and not n.friendly_name.endswith("/fq_weights")
    ]


def test_quantized_resnet18_fake_quantize_steps_are_exact(core, quantized_resnet18):
    """Each activation FakeQuantize of the real model, on the CPU's own input to it, gives
    exactly the reference's output (its input and output are made model outputs)."""
    model, inputs = quantized_resnet18
    fqs = activation_fqs(model)
    probes = [port for fq in fqs for port in (fq.inputs[0], fq.output(0))]
    probed = Model([*model.outputs, *probes], model.get_parameters(), "probed")
    values = core.compile_model(probed, "CPU")([inputs[0]])
    values = [values[i] for i in range(len(probed.outputs))][len(model.outputs) :]
    assert len(fqs) >= 10
    for k, fq in enumerate(fqs):
        x, actual = values[2 * k], values[2 * k + 1]
        ranges = [i.node.evaluate()[0] for i in fq.inputs[1:]]
        assert_same(actual, fq.evaluate(x, *ranges)[0])


def test_quantized_resnet18_matches_reference(core, quantized_resnet18):
    """CPU vs numpy reference on the whole INT8 resnet18.

    Both run the same simulated-quantization arithmetic, but the convolutions sum in another
    order (BLAS, Winograd), so an activation within ~1e-6 of a level boundary can land on the
    neighbouring level (one step, 1/255 of its range), and such flips travel on through the
    layers: the logits cannot be equal. So: the same top-1 class, every logit within 1% of the
    logit spread, and on average clearly closer to the INT8 reference than the same model with
    its activation FakeQuantizes bypassed (measured 0.4x-0.5x of its distance; a CPU that
    skipped FakeQuantize would sit near 1x). ``..._steps_are_exact`` is the exact oracle.
    """
    model, inputs = quantized_resnet18
    fp32 = core.compile_model(model_without_fake_quantize(model), "CPU")
    compiled = core.compile_model(model, "CPU")
    for x in inputs:
        actual, unquantized = compiled([x])[0], fp32([x])[0]
        (expected,) = evaluate_model(model, [x])
        assert actual.argmax() == expected.argmax()
        spread = float(expected.max() - expected.min())
        error = np.abs(actual - expected) / spread
        assert error.max() < 0.01
        assert error.mean() < 0.75 * float(np.mean(np.abs(unquantized - expected)) / spread)


def model_without_fake_quantize(model: Model) -> Model:
    """A copy of ``model`` with every activation FakeQuantize bypassed (weights stay
    quantized), so only the activation quantization separates the two."""
    copy = model.clone()
    fqs = {id(fq): fq for fq in activation_fqs(copy)}
    for node in copy.get_ordered_ops():
        for port, src in enumerate(node.inputs):
            if id(src.node) in fqs:
                node.inputs[port] = fqs[id(src.node)].inputs[0]
    copy.validate_nodes_and_infer_types()
    return copy


def test_quantized_resnet18_runs_no_reference_steps(core, quantized_resnet18):
    model, inputs = quantized_resnet18
    compiled = core.compile_model(model, "CPU", {"PERF_COUNT": True})
    request = compiled.create_infer_request()
    request.infer([inputs[0]])
    info = request.get_profiling_info()
    by_type = Counter((p.node_type, p.status, p.exec_type) for p in info)
    assert not [k for k in by_type if k[2].startswith("ref_")], by_type
    fq = [p for p in info if p.node_type == "FakeQuantize"]
    weights = [p for p in fq if p.node_name.endswith("/fq_weights")]
    activations = [p for p in fq if not p.node_name.endswith("/fq_weights")]
    assert weights and all(p.exec_type == "constant_folded" for p in weights)
    assert activations and {p.status for p in activations} <= {"EXECUTED", "OPTIMIZED_OUT"}
    decompression = [p for p in info if p.node_name.endswith(("/decompress", "/dequantize"))]
    assert decompression and all(p.exec_type == "constant_folded" for p in decompression)
    kinds = {p.exec_type for p in info if p.node_type == "Convolution" and p.status == "EXECUTED"}
    assert kinds <= {"winograd_FP32", "im2col_gemm_FP32", "gemm_1x1_FP32"}, kinds
    runtime = compiled.get_runtime_model()
    primitives = {n.rt_info.get("primitiveType", "") for n in runtime.get_ordered_ops()}
    assert not [p for p in primitives if p.startswith("ref_")], primitives
