"""HETERO:VPU,CPU runs the BERT-style zoo model: Erf/MVN-like ops the VPU lacks fall to CPU."""

from __future__ import annotations

import numpy as np
import pyvino
from pyvino import zoo


def test_bert_on_hetero_vpu_cpu_matches_cpu(tmp_path):
    zoo.build("bert_encoder", tmp_path / "bert.onnx")
    model = pyvino.convert_model(tmp_path / "bert.onnx")
    core = pyvino.Core()
    q = core.query_model(model, "HETERO:VPU,CPU")
    assert {"VPU", "CPU"} <= set(q.values()), "work is split across both devices"
    hetero = core.compile_model(model, "HETERO:VPU,CPU")
    assert hetero.get_property("HETERO_NUMBER_OF_SUBMODELS") >= 2
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 1000, (1, 128)).astype(np.int64)
    mask = np.ones((1, 128), np.int64)
    mask[:, 100:] = 0
    got = hetero({"input_ids": ids, "attention_mask": mask})
    ref = core.compile_model(model, "CPU")({"input_ids": ids, "attention_mask": mask})
    for port in hetero.outputs:
        a, e = got[port], ref[port]
        scale = float(np.abs(e).max())
        np.testing.assert_allclose(a, e, rtol=0, atol=3e-2 * scale)  # fp16 on the VPU part
