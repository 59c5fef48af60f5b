"""Every zoo model converts, saves as IR, reads back and runs on CPU like onnx's reference."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from onnx.reference import ReferenceEvaluator
from pyvino import zoo


def _inputs(entry, seed=0):
    rng = np.random.default_rng(seed)
    feeds = {}
    for spec in entry.inputs:
        dtype = np.dtype(spec.dtype)
        if dtype.kind == "f":
            feeds[spec.name] = rng.standard_normal(spec.shape).astype(dtype)
        elif spec.name == "attention_mask":
            mask = np.ones(spec.shape, dtype)
            mask[..., -16:] = 0
            feeds[spec.name] = mask
        else:
            feeds[spec.name] = rng.integers(0, 1000, spec.shape).astype(dtype)
    return feeds


@pytest.mark.parametrize("name", [e.name for e in zoo.list_models()])
def test_zoo_model_round_trips_through_ir_and_matches_reference(name, tmp_path):
    onnx_model = zoo.build(name, tmp_path / f"{name}.onnx")
    model = pyvino.convert_model(tmp_path / f"{name}.onnx")
    xml = tmp_path / f"{name}.xml"
    pyvino.save_model(model, xml, compress_to_fp16=False)
    core = pyvino.Core()
    compiled = core.compile_model(core.read_model(xml), "CPU")
    entry = zoo.get_entry(name)
    feeds = _inputs(entry)
    expected = ReferenceEvaluator(onnx_model).run(None, feeds)
    got = compiled(feeds)
    names = [o.name for o in onnx_model.graph.output]
    for out_name, ref in zip(names, expected, strict=True):
        actual = got[out_name]
        assert actual.shape == ref.shape, out_name
        if ref.dtype.kind in "iu":  # e.g. NMS selected indices
            np.testing.assert_array_equal(actual, ref)
        else:
            scale = float(np.abs(ref).max()) or 1.0
            np.testing.assert_allclose(actual, ref, rtol=1e-4, atol=1e-4 * scale)
