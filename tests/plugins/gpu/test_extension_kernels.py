"""Custom ops whose extension ships an OpenCLKernel run on GPU, in a program of their own."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino

ops = pyvino.opset8


def test_rotary_extension_kernel_runs_and_exports(core) -> None:
    rotary = pytest.importorskip("pyvino_ext_rotary.ops")
    x = ops.parameter([1, 2, 5, 8], "f32", name="x")
    pos = ops.parameter([5], "i64", name="positions")
    y = ops.relu(rotary.RotaryEmbedding1([ops.multiply(x, np.float32(2)), pos], {}))
    model = pyvino.Model([y], [x, pos], "rope")
    xv = np.random.default_rng(0).standard_normal((1, 2, 5, 8)).astype(np.float32)
    pv = np.array([0, 3, 1, 7, 2], np.int64)
    compiled = core.compile_model(model, "GPU", {"INFERENCE_PRECISION_HINT": "f32"})
    want = core.compile_model(model, "CPU")([xv, pv])[0]
    np.testing.assert_allclose(compiled([xv, pv])[0], want, rtol=1e-4, atol=1e-5)
    plan = compiled.backend.plan
    assert len(plan.sources) == 2
    assert [launch.program for launch in plan.launches] == [0, 1, 0]
    imported = core.import_model(compiled.export_model(), "GPU")
    np.testing.assert_allclose(imported([xv, pv])[0], want, rtol=1e-4, atol=1e-5)
