"""The emulator's building blocks against independent oracles: numpy's fp16, brute force."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import pyvino
from pyvino_vpu._cost import Roofline
from pyvino_vpu._fp16 import round_to_f16
from pyvino_vpu._memory import Buffer, check_placement, peak_live_bytes, place_buffers
from pyvino_vpu._ops import SUPPORTED_OPS, supported_op_table
from pyvino_vpu._plan import build_plan
from pyvino_vpu._transforms import runtime_model

README = Path(__file__).resolve().parents[3] / "plugins" / "vpu" / "README.md"


def as_f16(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return x.astype(np.float16).astype(np.float32)


@pytest.mark.parametrize("inplace", [False, True])
def test_rounding_matches_numpy_fp16_bit_for_bit(inplace):
    rng = np.random.default_rng(0)
    scales = (1e-9, 1e-7, 3e-5, 1e-3, 1.0, 300.0, 6e4, 1e6)
    random_bits = rng.integers(0, 2**32, 200_000, dtype=np.uint64).astype(np.uint32)
    edges = np.array([0.0, -0.0, 65504, 65519.996, 65520, -65520, 2**-14, 2**-24, 2**-25,
                      1.5 * 2**-24, np.inf, -np.inf, np.nan], np.float32)
    x = np.concatenate([rng.standard_normal(20_000).astype(np.float32) * s for s in scales]
                       + [random_bits.view(np.float32), edges])
    expected = as_f16(x)
    got = round_to_f16(x.copy(), inplace=inplace)
    assert np.array_equal(got.view(np.uint32), expected.view(np.uint32)) or np.array_equal(
        got, expected, equal_nan=True)
    assert np.array_equal(np.isnan(got), np.isnan(expected))
    small = x[:100]  # the numpy path for small tensors
    np.testing.assert_array_equal(round_to_f16(small), as_f16(small))


def test_memory_plan_never_overlaps_live_buffers():
    rng = np.random.default_rng(1)
    for _ in range(20):
        buffers = []
        for slot in range(40):
            first = int(rng.integers(-1, 30))
            buffers.append(Buffer(slot, int(rng.integers(0, 5000)), first,
                                  first + int(rng.integers(0, 8))))
        offsets, arena = place_buffers(buffers)
        check_placement(buffers, offsets)
        assert arena >= peak_live_bytes(buffers)
        assert all(offsets[b.slot] + b.size <= arena for b in buffers)


def test_memory_plan_reuses_dead_buffers():
    chain = [Buffer(i, 1024, i - 1, i) for i in range(10)]  # each read only by the next step
    offsets, arena = place_buffers(chain)
    assert arena == 2 * 1024 and peak_live_bytes(chain) == 2 * 1024


def test_roofline():
    roof = Roofline(gflops=1000.0, gbps=10.0, overhead_us=5.0)
    assert roof.seconds(2e9, 0) == pytest.approx(2e-3 + 5e-6)  # compute-bound
    assert roof.seconds(1e3, 10**8) == pytest.approx(1e-2 + 5e-6)  # memory-bound
    assert roof.seconds(1e3, 10**8, fused=True) == pytest.approx(1e-2)
    assert roof.seconds(0, 0) == 0.0


def test_plan_folds_weights_and_counts_fp16_bytes(cnn, core):
    runtime = runtime_model(cnn(), pyvino.Type.f32, core.plugin_manager.registry)
    plan = build_plan(runtime)
    steps = {s.name: s for s in plan.steps}
    assert steps["conv"].flops == 2 * 8 * 16 * 16 * 3 * 9
    assert steps["bias"].fused and steps["relu6"].fused and not steps["conv"].fused
    assert plan.weights_bytes == 2 * (8 * 27 + 8 + 8 * 9 + 512 * 10) + 8 * 2
    assert "Convert" not in {s.type for s in plan.steps}, "decompression is folded"


def test_readme_publishes_the_op_list():
    text = README.read_text(encoding="utf-8")
    for op_type, _ in supported_op_table():
        assert f"`{op_type}`" in text, f"README does not list {op_type}"
    assert "Erf" in text and "emulat" in text
    assert len(supported_op_table()) == len(SUPPORTED_OPS) - 3  # without Parameter etc.


CONV_CASES = [  # cin, cout, kernel, stride, dilation, pad_begin, pad_end, auto_pad, size
    (3, 8, 3, 1, 1, 1, 1, "explicit", 9), (4, 6, 1, 1, 1, 0, 0, "explicit", 7),
    (4, 6, 1, 2, 1, 0, 0, "explicit", 8), (5, 4, 3, 2, 1, 1, 0, "explicit", 10),
    (3, 5, 3, 1, 2, 2, 2, "explicit", 11), (2, 3, 5, 3, 1, 0, 1, "explicit", 13),
    (3, 4, 3, 2, 1, 0, 0, "same_upper", 9), (3, 4, 4, 2, 1, 0, 0, "same_lower", 10),
    (3, 4, 3, 1, 1, 5, 5, "valid", 8),
]


@pytest.mark.parametrize("batch", [1, 2])
@pytest.mark.parametrize("case", CONV_CASES, ids=lambda c: "k{2}s{3}d{4}p{5}{6}{7}".format(*c))
def test_conv_kernels_match_the_reference(case, batch):
    from pyvino_vpu.kernels import select_kernel

    cin, cout, k, s, d, pb, pe, auto_pad, size = case
    ops = pyvino.opset8
    rng = np.random.default_rng(k * 100 + s * 10 + d)
    x = ops.parameter([batch, cin, size, size], "f32", name="x")
    data = rng.standard_normal((batch, cin, size, size)).astype(np.float32)
    attrs = dict(strides=[s, s], pads_begin=[pb, pb], pads_end=[pe, pe], dilations=[d, d],
                 auto_pad=auto_pad)
    dense_w = rng.standard_normal((cout, cin, k, k)).astype(np.float32)
    depth_w = rng.standard_normal((cin, 1, 1, k, k)).astype(np.float32)
    for node, w, expected_kernel in (
            (ops.convolution(x, dense_w, **attrs), dense_w, "gemm"),
            (ops.group_convolution(x, depth_w, **attrs), depth_w, "depthwise")):
        run, name = select_kernel(node, None)
        assert name == expected_kernel
        np.testing.assert_allclose(run(data, w)[0], node.evaluate(data, w)[0], rtol=1e-5,
                                   atol=1e-5)
