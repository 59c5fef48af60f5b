"""INFERENCE_PRECISION_HINT on CPU follows OpenVINO: bf16 and f16 are accepted, and the plugin
keeps f32 where it has no such compute path (pyvino's CPU kernels compute in f32 on every host),
so the property reads back the precision actually used; other types are refused."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import Model, PropertyError, Type

from .conftest import rand

ops = pyvino.opset15


def mlp() -> Model:
    """Two MatMul + bias layers with a ReLU between: the MatMul-heavy case bf16 is meant for."""
    x = ops.parameter([4, 64], "f32", name="x")
    hidden = ops.relu(ops.add(ops.matmul(x, rand(64, 128, seed=1, scale=0.1)), rand(128, seed=2)))
    return Model(
        [ops.add(ops.matmul(hidden, rand(128, 16, seed=3, scale=0.1)), rand(16, seed=4))], [x]
    )


def mlp_in_numpy(x: np.ndarray) -> np.ndarray:
    x64 = x.astype(np.float64)
    hidden = np.maximum(x64 @ rand(64, 128, seed=1, scale=0.1) + rand(128, seed=2), 0)
    return hidden @ rand(128, 16, seed=3, scale=0.1) + rand(16, seed=4)


@pytest.mark.parametrize("hint", ["bf16", "BF16", "f16", Type.bf16])
def test_low_precision_hints_are_accepted_and_read_back_as_f32(core, hint):
    compiled = core.compile_model(mlp(), "CPU", {"INFERENCE_PRECISION_HINT": hint})
    assert compiled.get_property("INFERENCE_PRECISION_HINT") == Type.f32


def test_a_device_wide_bf16_hint_reads_back_the_precision_used():
    core = pyvino.Core()  # its own Core: this test changes device-wide properties
    core.set_property("CPU", {"INFERENCE_PRECISION_HINT": "bf16"})
    assert core.get_property("CPU", "INFERENCE_PRECISION_HINT") == Type.f32
    compiled = core.compile_model(mlp(), "CPU")
    assert compiled.get_property("INFERENCE_PRECISION_HINT") == Type.f32


def test_bf16_hint_results_match_the_f32_reference_within_bf16_tolerance(core):
    x = rand(4, 64, seed=5)
    out = core.compile_model(mlp(), "CPU", {"INFERENCE_PRECISION_HINT": "bf16"})(x)[0]
    expected = mlp_in_numpy(x)
    # bf16 keeps 8 significant bits (relative error 2**-8 per rounding)
    np.testing.assert_allclose(out, expected, rtol=2e-2, atol=2e-2 * np.abs(expected).max())
    assert out.dtype == np.float32


def test_bf16_hint_survives_export_and_import(core):
    compiled = core.compile_model(mlp(), "CPU", {"INFERENCE_PRECISION_HINT": "bf16"})
    imported = core.import_model(compiled.export_model(), "CPU")
    assert imported.get_property("INFERENCE_PRECISION_HINT") == Type.f32
    x = rand(4, 64, seed=6)
    np.testing.assert_array_equal(imported(x)[0], compiled(x)[0])


@pytest.mark.parametrize("hint", ["i8", "u8", "f64", "nonsense", 16])
def test_other_precisions_are_refused_naming_the_property(core, hint):
    with pytest.raises(PropertyError, match=r"INFERENCE_PRECISION_HINT.*f32, bf16"):
        core.compile_model(mlp(), "CPU", {"INFERENCE_PRECISION_HINT": hint})
    with pytest.raises(PropertyError, match=r"INFERENCE_PRECISION_HINT"):
        pyvino.Core().set_property("CPU", {"INFERENCE_PRECISION_HINT": hint})
