"""Zoo models (ONNX, seeded weights) on GPU against the CPU plugin.

Each model costs PoCL several seconds of first-launch kernel code generation (about 2 minutes
for the whole file on 2 cores); they are marked slow (``-m "not slow"`` skips them locally) and
run in CI.
"""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = [pytest.mark.slow]

CLASSIFIERS = ["resnet18", "resnet50", "mobilenet_v2"]


@pytest.mark.parametrize(
    "name", [*CLASSIFIERS, "bert_encoder", "unet", "yolo_detector", "lstm_seq"]
)
def test_zoo_model_matches_cpu(core, name, precision) -> None:
    from pyvino import zoo

    model = core.read_model(zoo.build(name))
    inputs = zoo.sample_inputs(model)
    compiled = core.compile_model(model, "GPU", {"INFERENCE_PRECISION_HINT": precision})
    assert compiled.get_property("EXECUTION_DEVICES") == ["GPU.0"]
    got = compiled(inputs).to_tuple()
    want = core.compile_model(model, "CPU")(inputs).to_tuple()
    for g, w in zip(got, want, strict=True):
        if w.dtype.kind in "iu":  # NMS indices: the boxes/scores feeding NMS may tie in f16
            if precision == "f32":
                np.testing.assert_array_equal(g, w)
            continue
        rtol = 1e-3 if precision == "f32" else 1e-2
        if precision == "f16" and name in CLASSIFIERS:
            assert np.argmax(g) == np.argmax(w), f"{name}: top-1 differs"
        if precision == "f16" and name == "unet":  # 19 convs of f16 activations: judge the
            agree = np.mean(np.argmax(g, 1) == np.argmax(w, 1))  # per-pixel class instead
            assert agree > 0.99, f"unet: {agree:.2%} of pixels get the CPU's class"
            rtol = 3e-2
        np.testing.assert_allclose(g, w, rtol=rtol, atol=rtol * float(np.abs(w).max()))
