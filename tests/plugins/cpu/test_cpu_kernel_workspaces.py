"""Kernels with working buffers (padded rows, phase planes, transform rows) get them once per
bound request, not per call.

1. Each kernel, called directly with its workspace, allocates nothing: numba's runtime
   statistics count one allocation per array argument (the MemInfo that wraps a numpy array
   passed in) plus one per array the compiled code creates, so a call must count exactly as
   many allocations as it has array arguments.
2. Each kernel runs as a one-node model on one request, inferred on three different inputs
   (1 and 2 threads), each result against onnx.reference or pyvino's reference evaluate: a
   buffer reused by the next inference (or another tile) leaves no trace in its results."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable, Iterator

import numpy as np
import onnx
import pytest
import pyvino
from numba.core.runtime import _nrt_python, rtsys
from onnx.reference import ReferenceEvaluator
from pyvino import Core, Model, zoo
from pyvino.testing import evaluate_model
from pyvino_cpu.kernels._epilogue import SimpleEpilogue, epilogue_args
from pyvino_cpu.kernels._geometry import Window2D
from pyvino_cpu.kernels.depthwise import depthwise3x3, planes_workspace
from pyvino_cpu.kernels.depthwise_same import depthwise3x3_same, same_workspace
from pyvino_cpu.kernels.depthwise_small import depthwise3x3_small, pack_taps, small_workspace
from pyvino_cpu.kernels.depthwise_stride2 import depthwise3x3_stride2, stride2_workspace
from pyvino_cpu.kernels.direct_conv import direct_conv_rows, pack_weights, row_buffers
from pyvino_cpu.kernels.interpolate import resample_rows
from pyvino_cpu.kernels.winograd import (
    input_transform,
    input_workspace,
    output_transform,
    output_workspace,
)
from pyvino_cpu.kernels.winograd_f43 import input_transform_f43, output_transform_f43

from .conftest import exec_types, rand
from .test_kernels_interpolate_threads import resize_model

ops = pyvino.opset8


@pytest.fixture
def numba_allocations() -> Iterator[Callable[[], int]]:
    """``count()``: blocks numba's runtime has allocated so far (statistics on for the test)."""
    was_on = _nrt_python.memsys_stats_enabled()
    _nrt_python.memsys_enable_stats()
    yield lambda: rtsys.get_allocation_stats().alloc
    if not was_on:
        _nrt_python.memsys_disable_stats()


def test_allocation_count_sees_an_array_made_inside_a_kernel(numba_allocations):
    """The oracle of the next test: an array argument counts one, a new array one more."""
    import numba

    @numba.njit
    def fill(a, n):  # noqa: ANN001, ANN202
        a[:] = np.zeros(n, np.float32)[: a.size]

    a = np.ones(4, np.float32)
    fill(a, 8)
    before = numba_allocations()
    fill(a, 8)
    assert numba_allocations() - before == 2


def _epilogue(channels: int) -> tuple:
    bias = rand(channels, seed=9)
    return epilogue_args(SimpleEpilogue(bias, False, 0.0, 6.0), None)


def _depthwise_call(kernel, workspace, hw, stride, pad, ho) -> tuple:  # noqa: ANN001
    x, w, out = rand(8, hw, hw, seed=5), rand(8, 1, 3, 3, seed=6), np.zeros((8, ho, ho), np.float32)
    if kernel is depthwise3x3_small:
        w = pack_taps(w)
    geometry = () if kernel is depthwise3x3_same else (pad, pad)
    if kernel in (depthwise3x3, depthwise3x3_small):
        geometry = (stride, pad, pad)
    return (kernel, (x, w, out, *geometry, *_epilogue(8), 0, 8, *workspace))


def _direct_conv_call() -> tuple:
    g = Window2D(1, 6, 40, 40, 5, 40, 40, 3, 3, 1, 1, 1, 1, 1, 1, True)
    x, w = rand(6, 40, 40, seed=7), pack_weights(rand(5, 6, 3, 3, seed=8))
    out = np.zeros((5, 40, 40), np.float32)
    args = (x, w, out, 1, 1, 1, 1, 16, *_epilogue(5), 0, 40, *row_buffers(g, 16))
    return (direct_conv_rows, args)


def _winograd_calls(tile: int, to_v, from_m) -> list[tuple]:  # noqa: ANN001
    hw, channels = 20, 4
    tw = -(-hw // tile)
    e = (tile + 2) ** 2
    x, out = rand(channels, hw, hw, seed=9), np.zeros((channels, hw, hw), np.float32)
    v, m = np.zeros((e, channels, tw * tw), np.float32), rand(e, channels, tw * tw, seed=10)
    return [
        (to_v, (x, v, 1, 1, tw, 0, tw, 0, channels, input_workspace(tile, tw))),
        (
            from_m,
            (m, out, tw, *_epilogue(channels), 0, tw, 0, channels, output_workspace(tile, tw)),
        ),
    ]


def _resample_call() -> tuple:
    x, out = rand(2, 8, 12, seed=11), np.zeros((2, 16, 24), np.float32)
    idx_h = np.stack([np.arange(16) // 2, np.minimum(np.arange(16) // 2 + 1, 7)])
    idx_w = np.stack([np.arange(24) // 2, np.minimum(np.arange(24) // 2 + 1, 11)])
    half_h, half_w = np.full((2, 16), 0.5, np.float32), np.full((2, 24), 0.5, np.float32)
    row = np.zeros(12, np.float32)
    return (resample_rows, (x, out, idx_h, half_h, idx_w, half_w, 12, 1, 0, 32, row))


CALLS = {
    "direct_conv_rows": _direct_conv_call,
    "depthwise3x3_stride2": lambda: _depthwise_call(
        depthwise3x3_stride2, stride2_workspace(28, 28), 28, 2, 1, 14
    ),
    "depthwise3x3_same_scratch": lambda: _depthwise_call(
        depthwise3x3_same, same_workspace(14, 14), 14, 1, 1, 14
    ),
    "depthwise3x3_same_in_place": lambda: _depthwise_call(
        depthwise3x3_same, same_workspace(56, 56), 56, 1, 1, 56
    ),
    "depthwise3x3_planes": lambda: _depthwise_call(
        depthwise3x3, planes_workspace(2, 15, 15), 29, 2, 1, 15
    ),
    "depthwise3x3_small": lambda: _depthwise_call(
        depthwise3x3_small, small_workspace(49, 49), 7, 1, 1, 7
    ),
    "winograd_f22_input": lambda: _winograd_calls(2, input_transform, output_transform)[0],
    "winograd_f22_output": lambda: _winograd_calls(2, input_transform, output_transform)[1],
    "winograd_f43_input": lambda: _winograd_calls(4, input_transform_f43, output_transform_f43)[0],
    "winograd_f43_output": lambda: _winograd_calls(4, input_transform_f43, output_transform_f43)[1],
    "resample_rows": _resample_call,
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_kernel_call_allocates_nothing(numba_allocations, name):
    kernel, args = CALLS[name]()
    kernel(*args)  # compiles or loads the kernel
    before = numba_allocations()
    kernel(*args)
    arrays = sum(isinstance(a, np.ndarray) for a in args)
    assert numba_allocations() - before == arrays, f"{name} allocated inside the kernel"


def conv_model(c: int, k: int, hw: int, pad: int = 1) -> Model:
    """3x3 stride-1 convolution + bias + Relu (the epilogue these kernels fuse)."""
    x = ops.parameter([1, c, hw, hw], "f32", name="x")
    scale = 1.0 / np.sqrt(9 * c)
    y = ops.convolution(
        x, rand(k, c, 3, 3, seed=1, scale=scale), strides=[1, 1], pads_begin=[pad, pad],
        pads_end=[pad, pad], dilations=[1, 1],
    )  # fmt: skip
    y = ops.relu(ops.add(y, rand(1, k, 1, 1, seed=2)))
    return Model([y], [x], "conv")


def depthwise_model(c: int, hw: int, stride: int, pad: int = 1) -> Model:
    """Depthwise 3x3 + bias + Clamp(0, 6) (MobileNet's block)."""
    x = ops.parameter([1, c, hw, hw], "f32", name="x")
    y = ops.group_convolution(
        x, rand(c, 1, 1, 3, 3, seed=3), strides=[stride, stride], pads_begin=[pad, pad],
        pads_end=[pad, pad], dilations=[1, 1],
    )  # fmt: skip
    y = ops.clamp(ops.add(y, rand(1, c, 1, 1, seed=4)), min=0.0, max=6.0)
    return Model([y], [x], "depthwise")


# name -> (model, the exec type that must run it); sizes large enough that two threads split
# each step into several tiles (above MIN_PARALLEL_WORK), so tiles run on their own buffers
KERNELS = {
    "direct_conv": (lambda: conv_model(16, 16, 96), "direct_conv_FP32"),
    "winograd_f22_rows": (lambda: conv_model(32, 32, 32), "winograd_FP32"),
    "winograd_f22_channels": (lambda: conv_model(128, 128, 20), "winograd_FP32"),
    "winograd_f43_rows": (lambda: conv_model(64, 64, 64), "winograd_FP32"),
    "winograd_f43_channels": (lambda: conv_model(128, 128, 28), "winograd_FP32"),
    "depthwise_same_scratch": (lambda: depthwise_model(192, 14, 1), "numba_depthwise_FP32"),
    "depthwise_same_in_place": (lambda: depthwise_model(32, 56, 1), "numba_depthwise_FP32"),
    "depthwise_stride2": (lambda: depthwise_model(192, 28, 2), "numba_depthwise_FP32"),
    "depthwise_planes": (lambda: depthwise_model(96, 28, 1, pad=0), "numba_depthwise_FP32"),
    "depthwise_planes_stride2": (lambda: depthwise_model(160, 29, 2), "numba_depthwise_FP32"),
    "depthwise_small": (lambda: depthwise_model(960, 7, 1), "numba_depthwise_FP32"),
}


def compile_one_request(core: Core, model: Model, threads: int) -> pyvino.InferRequest:
    config = {"PERF_COUNT": True, "INFERENCE_NUM_THREADS": threads}
    return core.compile_model(model, "CPU", config).create_infer_request()


def assert_close(actual: np.ndarray, expected: np.ndarray) -> None:
    scale = max(float(np.max(np.abs(expected))), 1.0)
    np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-5 * scale)


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("name", sorted(KERNELS))
def test_kernel_reuses_its_buffers(core, name, threads):
    build, exec_type = KERNELS[name]
    model = build()
    shape = tuple(model.inputs[0].get_shape())
    request = compile_one_request(core, model, threads)
    for run in range(3):
        x = rand(*shape, seed=10 + run, scale=1.0 + 3 * run)  # each run differs
        (actual,) = request.infer([x]).to_tuple()
        assert_close(actual, evaluate_model(model, [x])[0])
    assert exec_type in {kind for _, kind in exec_types(request).values()}


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize(
    ("shape", "scales"),
    [([1, 16, 32, 32], [1, 1, 2, 2]), ([1, 64, 32, 16], [1, 2, 2, 1])],  # NCHW; values per column
)
def test_interpolate_reuses_its_row(tmp_path, shape, scales, threads):
    onnx_model = resize_model(shape, scales, "linear")
    path = tmp_path / "resize.onnx"
    onnx.save(onnx_model, path)
    core = Core()
    request = compile_one_request(core, core.read_model(path), threads)
    oracle = ReferenceEvaluator(onnx_model)
    for run in range(3):
        x = rand(*shape, seed=20 + run, scale=1.0 + 3 * run)
        (actual,) = request.infer([x]).to_tuple()
        assert_close(actual, oracle.run(None, {"x": x})[0])
    assert "numba_interpolate_FP32" in {kind for _, kind in exec_types(request).values()}


# Largest transient allocation an inference may still make beyond its outputs: what remains
# per call (the elementwise program's registers, 2 KB each; pooling rows) and Python objects.
# With working buffers allocated per call, MobileNetV2 peaked 60 KB and UNet 33 KB above.
MAX_TRANSIENT_BYTES = 16 * 1024


@pytest.mark.parametrize("name", ["mobilenet_v2", "unet", "resnet18"])
def test_model_inference_allocates_only_its_outputs(core, tmp_path, name):
    """numba allocates through CPython's raw allocator, which tracemalloc sees: the peak of
    traced memory during an inference, less the outputs handed back, stays small."""
    zoo.build(name, tmp_path / f"{name}.onnx")
    model = pyvino.convert_model(tmp_path / f"{name}.onnx")
    data = zoo.sample_inputs(model)
    request = core.compile_model(model, "CPU", {"INFERENCE_NUM_THREADS": 1}).create_infer_request()
    request.infer(data)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        outputs = request.infer(data).to_tuple()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    transient = peak - before - sum(o.nbytes for o in outputs)
    assert transient < MAX_TRANSIENT_BYTES, f"{name}: {transient} bytes allocated in inference"
