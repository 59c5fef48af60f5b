"""Zoo models on the VPU against CPU fp32: accuracy, top-1 agreement, HETERO for YOLO's NMS.

Top-1 agreement runs on ``PYVINO_VPU_TOP1_INPUTS`` random images per classifier (default 10
to keep the suite fast; the README reports the 50-image run) and must reach 98 %.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
import pyvino
from pyvino import CompilationError, Core, Model

TOP1_INPUTS = int(os.environ.get("PYVINO_VPU_TOP1_INPUTS", "10"))
_cache: dict[str, Model] = {}


def zoo_model(name: str) -> Model:
    """The converted zoo model, or a skip if the zoo / ONNX frontend cannot provide it yet."""
    if name not in _cache:
        try:
            from pyvino import zoo

            _cache[name] = pyvino.convert_model(zoo.build(name))
        except Exception as exc:  # the zoo and frontend are optional for the VPU
            pytest.skip(f"zoo model {name} is not available: {type(exc).__name__}: {exc}")
    return _cache[name]


def relative_error(actual: np.ndarray, expected: np.ndarray) -> float:
    """max |actual - expected| / max |expected| (fp16 keeps about 3 significant digits)."""
    return float(np.max(np.abs(actual - expected)) / np.max(np.abs(expected)))


@pytest.fixture(scope="module")
def zoo_core() -> Core:
    return Core()


@pytest.mark.parametrize("name", ["mobilenet_v2", "resnet18"])
def test_classifier_matches_cpu_and_agrees_on_top1(zoo_core, name):
    model = zoo_model(name)
    vpu = zoo_core.compile_model(model, "VPU")
    cpu = zoo_core.compile_model(model, "CPU")
    assert vpu.get_property("EXECUTION_DEVICES") == ["VPU.0"]
    rng = np.random.default_rng(123)
    agree, worst = 0, 0.0
    for _ in range(TOP1_INPUTS):
        x = rng.standard_normal((1, 3, 224, 224)).astype(np.float32)
        expected, actual = cpu(x)[0], vpu(x)[0]
        worst = max(worst, relative_error(actual, expected))
        agree += int(np.argmax(actual) == np.argmax(expected))
    assert worst < 2e-2, f"{name}: max relative error {worst:.2e} vs CPU fp32"
    assert agree >= math.ceil(0.98 * TOP1_INPUTS), f"{name}: top-1 {agree}/{TOP1_INPUTS}"


def test_yolo_needs_hetero_for_its_nms(zoo_core):
    model = zoo_model("yolo_detector")
    with pytest.raises(CompilationError, match="NonMaxSuppression"):
        zoo_core.compile_model(model, "VPU")
    hetero = zoo_core.compile_model(model, "HETERO:VPU,CPU")
    assert hetero.get_property("EXECUTION_DEVICES") == ["VPU", "CPU"]
    cpu = zoo_core.compile_model(model, "CPU")
    x = np.random.default_rng(5).standard_normal((1, 3, 320, 320)).astype(np.float32)
    got, expected = hetero(x), cpu(x)
    for name in ("boxes", "scores"):
        assert relative_error(got[name], expected[name]) < 2e-2, name
    selected = {tuple(r) for r in np.asarray(got["selected_indices"]).tolist()}
    reference = {tuple(r) for r in np.asarray(expected["selected_indices"]).tolist()}
    overlap = len(selected & reference) / max(1, len(reference))
    assert overlap >= 0.9, f"NMS picks differ too much after fp16 boxes: {overlap:.2f}"
