"""The ONNX backend test suite (node, pytorch-converted, pytorch-operator, simple, real) run
through ``pyvino.onnx_backend`` with onnx's own comparison rules."""

from __future__ import annotations

import onnx
import pytest
from backend_cases import Case, load_data_set
from backend_exclusions import EXCLUDED, KNOWN_FAILURES
from onnx.backend.test.runner import Runner
from pyvino.frontend.onnx import backend


def test_backend_case(backend_case: Case, request: pytest.FixtureRequest) -> None:
    reason = EXCLUDED.get(backend_case.name)
    if reason is not None:
        pytest.skip(f"excluded: {reason}")
    known = KNOWN_FAILURES.get(backend_case.name)
    if known is not None:
        request.applymarker(pytest.mark.xfail(reason=known, strict=True))
    model = onnx.load(backend_case.model)
    rep = backend.prepare(model, "CPU")
    for folder in backend_case.data_sets:
        inputs, expected = load_data_set(model, folder)
        outputs = rep.run(inputs)
        Runner.assert_similar_outputs(
            expected, list(outputs), rtol=backend_case.rtol, atol=backend_case.atol
        )


def test_every_exclusion_names_a_real_case(backend_case_names: set[str]) -> None:
    for listing in (EXCLUDED, KNOWN_FAILURES):
        stale = sorted(set(listing) - backend_case_names)
        assert not stale, f"entries naming no backend case: {stale}"
        assert all(reason.strip() for reason in listing.values())
    assert not set(EXCLUDED) & set(KNOWN_FAILURES)
