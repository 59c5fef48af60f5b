"""Shared helpers: compile on CPU with profiling and compare with the reference evaluate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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
