"""GPU tests run on any OpenCL device (PoCL's CPU device in CI).

``PYVINO_GPU_ANY_OPENCL=1`` is set here, before any plugin is created. Program binaries are
cached in a per-session directory. With no OpenCL platform the tests are skipped locally but
fail in CI (``CI=true``): a CI run without OpenCL must not pass silently.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest

os.environ["PYVINO_GPU_ANY_OPENCL"] = "1"
os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp(prefix="pyvino-gpu-tests-"))

import pyvino  # noqa: E402


def _reason() -> str | None:
    from pyvino_gpu._devices import discover

    return discover()[1]


@pytest.fixture(autouse=True)
def _require_opencl() -> None:
    reason = _reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI has no usable OpenCL device: {reason}", pytrace=False)
    pytest.skip(f"no OpenCL device: {reason}")


@pytest.fixture(scope="session")
def core() -> pyvino.Core:
    return pyvino.Core()


@pytest.fixture
def fp16(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Pretend the device has cl_khr_fp16 (the f16 path only needs vload/vstore_half)."""
    monkeypatch.setenv("PYVINO_GPU_ASSUME_FP16", "1")
    yield


TOLERANCE = {"f32": (1e-4, 1e-4), "f16": (2e-2, 2e-2)}


class GPURunner:
    """Compile a model on GPU at a precision and compare its outputs with references."""

    def __init__(self, core: pyvino.Core) -> None:
        self.core = core

    def compile(self, model: pyvino.Model, precision: str = "f32", **config: Any) -> Any:
        return self.core.compile_model(model, "GPU", {"INFERENCE_PRECISION_HINT": precision,
                                                      **config})

    def check(self, model: pyvino.Model, inputs: list[np.ndarray], expected: list[np.ndarray],
              precision: str = "f32") -> Any:
        """Run on GPU and compare every output; f16 is judged relative to each output's range."""
        compiled = self.compile(model, precision)
        got = compiled(inputs).to_tuple()
        rtol, atol = TOLERANCE[precision]
        assert len(got) == len(expected)
        for i, (g, w) in enumerate(zip(got, expected)):
            w = np.asarray(w)
            label = f"output {i} ({model.get_results()[i].inputs[0].node.describe()})"
            assert g.shape == w.shape, f"{label}: shape {g.shape} != {w.shape}"
            scale = max(1.0, float(np.abs(w).max())) if precision == "f16" and w.size else 1.0
            np.testing.assert_allclose(np.asarray(g, np.float64), np.asarray(w, np.float64),
                                       rtol=rtol, atol=atol * scale, err_msg=label)
        return compiled


@pytest.fixture(scope="session")
def gpu(core: pyvino.Core) -> GPURunner:
    return GPURunner(core)


@pytest.fixture
def rand() -> Callable[..., np.ndarray]:
    rng = np.random.default_rng(0)
    return lambda *shape: rng.standard_normal(shape).astype(np.float32)


@pytest.fixture(params=["f32", "f16"])
def precision(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both inference precisions; f16 on PoCL goes through PYVINO_GPU_ASSUME_FP16."""
    if request.param == "f16":
        monkeypatch.setenv("PYVINO_GPU_ASSUME_FP16", "1")
    return request.param


@pytest.fixture(params=["device", "tiled"])
def kernel_variant(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both kernel variants: the one picked for the device ("device": the CPU variants on PoCL,
    the tiled local-memory ones on a GPU) and the tiled GPU kernels forced ("tiled"), so the
    kernels real GPUs run are tested on PoCL too."""
    if request.param == "tiled":
        import pyvino_gpu._lower as lower

        class TiledLowering(lower.Lowering):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                kwargs["cpu_device"] = False
                super().__init__(*args, **kwargs)

        monkeypatch.setattr(lower, "Lowering", TiledLowering)
    return request.param
