"""The op-case half of ``DeviceConformance``: every claimed op case from every installed opset
runs as a one-node model on the device and must match the reference evaluate."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pytest

from pyvino._model import Model
from pyvino._node import Op
from pyvino._opset import OpsetRegistry
from pyvino._reference import evaluate_model
from pyvino.runtime import Core
from pyvino.testing._models import tolerance_for
from pyvino.testing._op_case_table import OP_CASES
from pyvino.testing._op_cases import OpCase, build_case, op_case_index

_INDEX: dict[int, tuple[dict[str, tuple[type[Op], OpCase]], list[str]]] = {}


def device_op_cases(
    registry: OpsetRegistry | None = None,
) -> tuple[dict[str, tuple[type[Op], OpCase]], list[str]]:
    """The case index of the installed opsets (cached per registry)."""
    if registry is None:
        from pyvino._plugins import default_manager

        registry = default_manager().registry
    if id(registry) not in _INDEX:
        _INDEX[id(registry)] = op_case_index(registry, OP_CASES)
    return _INDEX[id(registry)]


def assert_outputs_match(
    actual: Any, expected: list[np.ndarray], model: Model, precision: Any = None
) -> None:
    """Shapes and element types exactly; float values within the precision's tolerance,
    integer and boolean values exactly."""
    rtol, atol = tolerance_for(precision)
    results = model.get_results()
    assert len(actual) == len(expected) == len(results)
    for i, (a, e, r) in enumerate(zip(actual, expected, results, strict=True)):
        a, e = np.asarray(a), np.asarray(e)
        declared = r.get_output_element_type(0).dtype
        assert a.dtype == declared, f"output {i}: element type {a.dtype}, model says {declared}"
        assert a.shape == e.shape, f"output {i}: shape {a.shape}, reference {e.shape}"
        if e.dtype.kind in "fc":
            np.testing.assert_allclose(
                a.astype(np.float64),
                e.astype(np.float64),
                rtol=rtol,
                atol=atol,
                err_msg=f"output {i}",
                equal_nan=True,
            )
        else:
            np.testing.assert_array_equal(a, e, err_msg=f"output {i}")


class OpCaseTests:
    """Mixed into DeviceConformance; uses its ``device``, ``config``, ``precision`` and
    ``unsupported``."""

    device: ClassVar[str]
    config: ClassVar[dict[str, Any]]
    precision: ClassVar[Any]
    unsupported: ClassVar[dict[str, str]]

    def pytest_generate_tests(self, metafunc: Any) -> None:
        if "op_case" in metafunc.fixturenames:
            metafunc.parametrize("op_case", sorted(device_op_cases()[0]))

    def test_op_case_matches_reference(self, core: Core, op_case: str) -> None:
        cls, case = device_op_cases()[0][op_case]
        model, inputs = build_case(cls, case)
        claimed = core.query_model(model, self.device, self.config)
        missing = [n for n in model.get_ordered_ops() if n.friendly_name not in claimed]
        if missing:
            why = self.unsupported.get(cls.type_name, "")
            pytest.skip(
                f"{cls.type_name}: {why}"
                if why
                else f"{self.device} does not claim the op of this case (see the test id)"
            )
        compiled = core.compile_model(model, self.device, self.config)
        actual = compiled(inputs).to_tuple()
        assert_outputs_match(actual, evaluate_model(model, inputs), model, self.precision)

    def test_op_case_coverage(self, core: Core) -> None:
        _, uncovered = device_op_cases(core.plugin_manager.registry)
        if uncovered:
            pytest.skip(
                f"no example case (pyvino.testing OP_CASES) for {len(uncovered)} op "
                f"version(s): {', '.join(uncovered)}"
            )
