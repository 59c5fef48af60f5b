"""pyvino cross-check: layer-by-layer comparison of two runs (devices, models, precisions)."""

from __future__ import annotations

import argparse

import numpy as np
import pytest
import pyvino
from pyvino import Core, Model
from pyvino.cli import _cross_check
from pyvino.tools import cross_check

X = np.random.default_rng(2).standard_normal((1, 2, 3, 4)).astype(np.float32)


def small_model(factor: float = 2.0) -> Model:
    """scale (x * factor) -> relu -> shift (+ 1): names stay the same for any factor."""
    ops = pyvino.opset15
    x = ops.parameter([1, 2, 3, 4], "f32", name="x")
    y = ops.multiply(x, np.float32(factor), name="scale")
    y = ops.relu(y, name="relu")
    y = ops.add(y, np.float32(1.0), name="shift")
    y.output(0).set_names(["y"])
    return Model([y], [x], "small")


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    _cross_check.add_arguments(parser)
    return _cross_check.run(parser.parse_args(list(argv)))


def test_cpu_vs_hetero_cpu_matches_on_every_layer():
    report = cross_check(small_model(), "CPU", "HETERO:CPU", inputs=[X])
    assert [c.name for c in report.layers] == ["scale", "relu", "shift"]
    assert report.passed and all(c.max_abs_diff == 0.0 for c in report.layers)
    assert all(c.time_ms is not None and c.ref_time_ms is not None for c in report.layers)
    text = report.table()
    assert "HETERO:CPU ms" in text and "PASSED" in text


def test_a_modified_model_fails_from_the_changed_layer_on():
    report = cross_check(small_model(2.0), "CPU", ref_model=small_model(2.5), inputs=[X])
    by_name = {c.name: c for c in report.layers}
    assert by_name["scale"].max_abs_diff == pytest.approx(np.abs(0.5 * X).max(), rel=1e-6)
    relu_diff = np.abs(np.maximum(2.0 * X, 0) - np.maximum(2.5 * X, 0)).max()
    assert by_name["relu"].max_abs_diff == pytest.approx(relu_diff, rel=1e-6)
    expected_rel = (np.abs(np.maximum(2.0 * X, 0) - np.maximum(2.5 * X, 0))
                    / np.maximum(np.maximum(2.5 * X, 0) + 1, 1)).max()
    assert by_name["shift"].max_rel_diff == pytest.approx(expected_rel, rel=1e-6)
    assert not report.passed and {c.name for c in report.failed} == {"scale", "relu", "shift"}
    assert "FAILED: 3 layer output(s)" in report.table()


def test_cli_exit_status_follows_the_tolerance(tmp_path, capsys):
    pyvino.save_model(small_model(2.0), tmp_path / "a.xml", compress_to_fp16=False)
    pyvino.save_model(small_model(2.0001), tmp_path / "b.xml", compress_to_fp16=False)
    np.save(tmp_path / "x.npy", X)
    a, b, x = str(tmp_path / "a.xml"), str(tmp_path / "b.xml"), str(tmp_path / "x.npy")
    assert cli("-m", a, "-d", "CPU", "-ref_m", b, "-i", x, "-tol", "1e-2") == 0
    assert cli("-m", a, "-d", "CPU", "-ref_m", b, "-i", x, "-tol", "1e-6",
               "-json", str(tmp_path / "r.json")) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "scale" in out
    assert '"passed": false' in (tmp_path / "r.json").read_text()


def test_outputs_only_and_named_layers():
    only_outputs = cross_check(small_model(), "CPU", layers=None, inputs=[X])
    assert [c.name for c in only_outputs.layers] == ["shift"]
    chosen = cross_check(small_model(), "CPU", layers="relu", inputs=[X])
    assert [c.name for c in chosen.layers] == ["relu"]
    with pytest.raises(pyvino.PyvinoError, match="no layer"):
        cross_check(small_model(), "CPU", layers=["nope"])


def test_cpu_vs_gpu_when_a_gpu_exists(monkeypatch):
    monkeypatch.setenv("PYVINO_GPU_ANY_OPENCL", "1")
    if not any(d.startswith("GPU") for d in Core().available_devices):
        pytest.skip("no GPU device")
    report = cross_check(small_model(), "CPU", "GPU", inputs=[X], tolerance=1e-2)
    assert report.passed and len(report.layers) == 3
    assert report.layers[0].max_abs_diff < 1e-2
