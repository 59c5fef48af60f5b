"""Shared helpers: compile on CPU with profiling and compare with the reference evaluate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import pyvino
from pyvino import Core, Model
from pyvino.testing import evaluate_model


@pytest.fixture(scope="session")
def core() -> Core:
    return Core()


def exec_types(request: pyvino.InferRequest) -> dict[str, tuple[str, str]]:
    """{node name: (status, exec_type)} of the last profiled run."""
    return {p.node_name: (p.status, p.exec_type) for p in request.get_profiling_info()}


@pytest.fixture
def check(core: Core) -> Callable[..., dict[str, tuple[str, str]]]:
    """check(model, inputs, config=None): CPU == reference within rtol 1e-4; returns exec types."""

    def run(
        model: Model, inputs: Sequence[np.ndarray], config: dict | None = None
    ) -> dict[str, tuple[str, str]]:
        compiled = core.compile_model(model, "CPU", {"PERF_COUNT": True, **(config or {})})
        request = compiled.create_infer_request()
        actual = request.infer(list(inputs)).to_tuple()
        expected = evaluate_model(model, list(inputs))
        for a, e in zip(actual, expected, strict=True):
            scale = float(np.max(np.abs(e))) if e.size and e.dtype.kind == "f" else 1.0
            np.testing.assert_allclose(a, e, rtol=1e-4, atol=1e-5 * max(scale, 1.0))
            assert a.dtype == e.dtype and a.shape == e.shape
        return exec_types(request)

    return run


def rand(*shape: int, seed: int = 0, scale: float = 1.0) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(np.float32)


def run_conv_kernel(
    kernel: Any,
    x: np.ndarray,
    threads: int,
    epilogue: Any = None,
    residual: np.ndarray | None = None,
) -> np.ndarray:
    """Run a convolution kernel (``kernel.g`` its geometry) once on ``x`` with fresh output
    (NaN-filled, so an unwritten value shows) and scratch buffers, on ``threads`` threads."""
    from pyvino_cpu._parallel import TaskPool

    g = kernel.g
    if epilogue is not None:
        kernel.epilogue = epilogue
    out = np.full((g.n, g.k, g.ho, g.wo), np.nan, np.float32)
    scratch = [np.empty(shape, dtype) for shape, dtype in kernel.scratch()]
    inputs = [x] if residual is None else [x, residual]
    kernel.bind(inputs, [out], scratch, TaskPool(threads))()
    return out


@dataclass
class DepthwiseCase:
    """A depthwise 3x3 kernel test: data, weights, fused epilogue (ReLU6 without a residual,
    no clamp with one, as MobileNetV2's blocks) and a NaN-filled output to catch gaps."""

    x: np.ndarray
    w: np.ndarray
    bias: np.ndarray
    residual: np.ndarray | None
    lo: float
    hi: float
    out: np.ndarray

    @property
    def epilogue(self) -> Any:
        from pyvino_cpu.kernels._epilogue import SimpleEpilogue

        return SimpleEpilogue(self.bias, self.residual is not None, self.lo, self.hi)

    def args(self) -> tuple:
        """The kernel's epilogue arguments (bias, residual, has_residual, lo, hi)."""
        from pyvino_cpu.kernels._epilogue import epilogue_args

        return epilogue_args(self.epilogue, self.residual)


def depthwise_case(
    channels: int, hw: Sequence[int], out_hw: Sequence[int], with_residual: bool, seed: int
) -> DepthwiseCase:
    """Seeds ``seed`` .. ``seed + 3`` for x, weights, bias and residual."""
    residual = rand(channels, *out_hw, seed=seed + 3) if with_residual else None
    lo, hi = (-np.inf, np.inf) if with_residual else (0.0, 6.0)
    return DepthwiseCase(
        rand(channels, *hw, seed=seed),
        rand(channels, 1, 3, 3, seed=seed + 1),
        rand(channels, seed=seed + 2),
        residual,
        lo,
        hi,
        np.full((channels, *out_hw), np.nan, np.float32),
    )


def depthwise_block_types(
    check: Callable[..., dict[str, tuple[str, str]]],
    channels: int,
    hw: int,
    stride: int,
    pads: tuple[int, int],
    threads: int,
    seed: int,
) -> dict[str, tuple[str, str]]:
    """A MobileNetV2 depthwise block (3x3 GroupConvolution ``dw``, bias, ReLU6) through the
    plugin on ``threads`` threads, checked against the reference; its exec types."""
    ops = pyvino.opset8
    x = ops.parameter([1, channels, hw, hw], "f32", name="x")
    y = ops.group_convolution(
        x,
        rand(channels, 1, 1, 3, 3, seed=seed),
        strides=[stride, stride],
        pads_begin=[pads[0]] * 2,
        pads_end=[pads[1]] * 2,
        dilations=[1, 1],
        name="dw",
    )
    y = ops.clamp(ops.add(y, rand(1, channels, 1, 1, seed=seed + 1)), min=0.0, max=6.0)
    inputs = [rand(1, channels, hw, hw, seed=seed + 2)]
    return check(Model([y], [x]), inputs, {"INFERENCE_NUM_THREADS": threads})
