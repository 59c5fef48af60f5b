"""OpConformance: what every extension op must show, as inherited pytest tests.

```python
class TestFFT(OpConformance):
    op = FFT1
    cases = [OpCase("axis1", [Data((3, 8, 2))], {"axis": 1})]
    extension = pyvino_ext_fft.EXTENSION   # added to the test Core; None: rely on installation
```

Checks: the op is registered; ``infer`` agrees with ``evaluate``'s output types and shapes;
the op survives an IR round trip (written with its opset as ``version``, read back only when
that opset is registered); every kernel contributed for it (``KernelSpec`` for any device:
callables and ``OpenCLKernel``s) matches ``evaluate``; it runs on each of ``devices``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pytest
from defusedxml import ElementTree

from pyvino._errors import ModelReadError
from pyvino._model import Model
from pyvino._node import Op
from pyvino._opencl_kernel import OpenCLKernel
from pyvino._opset import OpsetRegistry
from pyvino._reference import evaluate_model
from pyvino.ir import read_ir_bytes, serialize_ir
from pyvino.runtime import Core
from pyvino.testing._device_op_cases import assert_outputs_match
from pyvino.testing._guard import check_overrides
from pyvino.testing._op_cases import OpCase, build_case


def node_under_test(model: Model, op: type[Op]) -> Op:
    return next(n for n in model.get_ordered_ops() if type(n) is op)


def input_values(model: Model, node: Op, data: list[np.ndarray]) -> list[np.ndarray]:
    """The arrays feeding ``node``: model inputs from ``data``, constants by value."""
    params = model.get_parameters()
    return [
        data[params.index(i.node)] if i.node in params else i.node.evaluate()[0]
        for i in node.inputs
    ]


class OpConformance:
    """Subclass with ``op`` (the class), ``cases`` (``OpCase`` list), optionally ``extension``
    (a plugin object or module for ``Core.add_extension``), ``devices`` (must run the op) and
    ``kernel_devices`` (device names asked for kernels besides the installed devices)."""

    op: ClassVar[type[Op]]
    cases: ClassVar[Sequence[OpCase]] = ()
    extension: ClassVar[Any] = None
    devices: ClassVar[tuple[str, ...]] = ("CPU",)
    kernel_devices: ClassVar[tuple[str, ...]] = ("CPU", "GPU")
    precision: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        check_overrides(cls, OpConformance, _STANDARD)

    def pytest_generate_tests(self, metafunc: Any) -> None:
        if "case" in metafunc.fixturenames:
            metafunc.parametrize("case", list(self.cases), ids=[c.name for c in self.cases])
        if "device" in metafunc.fixturenames:
            metafunc.parametrize("device", list(self.devices))

    @pytest.fixture(scope="class")
    def core(self) -> Core:
        core = Core()
        registry = core.plugin_manager.registry
        installed = (
            registry.has_opset(self.op.version_id)
            and registry.get_opset(self.op.version_id).get(self.op.type_name) is self.op
        )
        if self.extension is not None and not installed:
            core.add_extension(self.extension)
        return core

    def _case(self, case: OpCase) -> tuple[Model, list[np.ndarray], Op]:
        model, data = build_case(self.op, case)
        return model, data, node_under_test(model, self.op)

    # ----------------------------------------------------------------- the op itself
    def test_op_is_registered(self, core: Core) -> None:
        found = core.plugin_manager.registry.lookup(self.op.type_name, self.op.version_id)
        assert found is self.op, f"{self.op.type_name} ({self.op.version_id}) is {found}"

    def test_infer_agrees_with_evaluate(self, case: OpCase) -> None:
        model, data, node = self._case(case)
        outputs = node.evaluate(*input_values(model, node, data))
        assert isinstance(outputs, tuple), "evaluate must return a tuple"
        assert len(outputs) == node.get_output_size()
        for port, value in enumerate(outputs):
            declared = node.get_output_partial_shape(port)
            assert value.dtype == node.get_output_element_type(port).dtype, f"output {port}"
            assert declared.compatible(value.shape), (
                f"output {port}: infer says {declared}, evaluate gave {value.shape}"
            )

    def test_ir_round_trip(self, core: Core, case: OpCase) -> None:
        model, data, _ = self._case(case)
        xml, weights = serialize_ir(model)
        layers = [
            el
            for el in ElementTree.fromstring(xml).iter("layer")
            if el.get("type") == self.op.type_name
        ]
        assert [el.get("version") for el in layers] == [self.op.version_id]
        again = read_ir_bytes(xml, weights, core.plugin_manager.registry)
        node = node_under_test(again, self.op)
        assert node.attrs == node_under_test(model, self.op).attrs
        for a, e in zip(evaluate_model(again, data), evaluate_model(model, data), strict=True):
            np.testing.assert_array_equal(a, e)

    def test_ir_needs_the_op_registered(self, core: Core, case: OpCase) -> None:
        model, _, _ = self._case(case)
        xml, weights = serialize_ir(model)
        without = OpsetRegistry()
        full = core.plugin_manager.registry
        for name in full.names():
            if name != self.op.version_id:
                without.add(full.get_opset(name))
        with pytest.raises(ModelReadError, match=rf"{self.op.type_name}.*{self.op.version_id}"):
            read_ir_bytes(xml, weights, without)

    # ----------------------------------------------------------------- kernels and devices
    def test_kernels_match_evaluate(self, core: Core, case: OpCase) -> None:
        model, data, node = self._case(case)
        values = input_values(model, node, data)
        expected = list(node.evaluate(*values))
        key = (self.op.type_name, self.op.version_id)
        names = set(self.kernel_devices) | set(core.plugin_manager.devices())
        found = {d: k for d in sorted(names) if (k := core.plugin_manager.kernels(d).get(key))}
        if not found:
            pytest.skip(f"no kernel is contributed for {key[0]} on {', '.join(sorted(names))}")
        ran, not_run = 0, []
        for device, spec in found.items():
            runs = _run_kernel(spec.implementation, node, values)
            if isinstance(runs, str):
                not_run.append(f"{device}: {runs}")
                continue
            for label, actual, precision in runs:
                try:
                    assert_outputs_match(actual, expected, model, precision or self.precision)
                except AssertionError as exc:
                    raise AssertionError(f"{device} kernel ({label}): {exc}") from None
                ran += 1
        if not ran:
            pytest.skip("no contributed kernel could run here: " + "; ".join(not_run))

    def test_runs_on_device(self, core: Core, case: OpCase, device: str) -> None:
        model, data, _ = self._case(case)
        claimed = core.query_model(model, device)
        missing = [
            n.friendly_name for n in model.get_ordered_ops() if n.friendly_name not in claimed
        ]
        assert not missing, f"{device} does not claim {', '.join(missing)}"
        actual = core.compile_model(model, device)(data).to_tuple()
        assert_outputs_match(actual, evaluate_model(model, data), model, self.precision)


def _run_kernel(
    impl: Any, node: Op, values: list[np.ndarray]
) -> list[tuple[str, list[np.ndarray], str | None]] | str:
    """(label, outputs, precision) for each way ``impl`` can run here, or why it cannot."""
    if isinstance(impl, OpenCLKernel):
        from pyvino.testing._opencl import opencl_unavailable_reason, run_opencl_kernel

        reason = opencl_unavailable_reason()
        if reason is not None:
            return reason
        if not impl.supports(node):
            return "the OpenCL kernel does not support this case (supports() is false)"
        return [
            (f"OpenCL {storage}", run_opencl_kernel(impl, node, values, storage), precision)
            for storage, precision in (("float", None), ("half", "f16"))
        ]
    if callable(impl):
        return [("callable", list(impl(node, *values)), None)]
    pytest.fail(f"kernel implementation {impl!r} is neither callable nor an OpenCLKernel")


_STANDARD = frozenset(n for n in dir(OpConformance) if n.startswith("test_"))
