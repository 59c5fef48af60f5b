"""The conformance kit itself: op cases, the override guard, OpConformance catching broken ops
and kernels, and the opt-in fixtures plugin."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
import pyvino
from pyvino import Op
from pyvino._extension import Extension, op_kernel
from pyvino._plugins import default_manager
from pyvino.testing import (
    OP_CASES,
    Data,
    DeviceConformance,
    FakeDevice,
    OpCase,
    OpConformance,
    build_case,
    device_op_cases,
    evaluate_model,
)
from pyvino.testing._op_cases import installed_op_classes


def test_every_op_case_fits_some_installed_op_version():
    classes = installed_op_classes(default_manager().registry)
    for type_name, cases in OP_CASES.items():
        versions = [c for c in classes if c.type_name == type_name]
        assert versions, f"OP_CASES has {type_name}, which no installed opset provides"
        for case in cases:
            fits = []
            for cls in versions:
                try:
                    build_case(cls, case)
                    fits.append(cls)
                except pyvino.PyvinoError:
                    pass
            assert fits, f"{type_name}/{case.name} fits no version of {type_name}"


def test_case_index_names_cases_and_lists_uncovered_ops():
    index, uncovered = device_op_cases()
    assert "Convolution-1/pad1" in index and "Gather-8/negative_index" in index
    assert "Gather-1/negative_index" not in index  # restricted to version 8
    assert "Loop-5" in uncovered and all(not u.startswith("Relu") for u in uncovered)


def test_case_inputs_are_seeded_and_f16_representable():
    cls = default_manager().registry.lookup("Add", "opset1")
    (_, first), (_, again) = (
        build_case(cls, OP_CASES["Add"][0]),
        build_case(cls, OP_CASES["Add"][0]),
    )
    np.testing.assert_array_equal(first[0], again[0])
    np.testing.assert_array_equal(first[0], first[0].astype(np.float16).astype(np.float32))


class _OffByOne(FakeDevice):
    """A device that gets every float output slightly wrong."""

    def _compile(self, model, config):
        return _OffByOneCompiled(model, config, self.name)


class _OffByOneCompiled(pyvino.CompiledBackend):
    def create_sync_request(self):
        return _OffByOneRequest(self.model)


class _OffByOneRequest(pyvino.SyncRequest):
    def __init__(self, model):
        self.model = model

    def infer(self, inputs):
        return [o + 0.01 if o.dtype.kind == "f" else o for o in evaluate_model(self.model, inputs)]


def test_op_case_test_fails_a_device_that_computes_wrong_values():
    class TestWrong(DeviceConformance):
        device = "WRONG"

    core = pyvino.Core()
    core.add_extension(_plugin(_OffByOne("WRONG")))
    with pytest.raises(AssertionError, match="output 0"):
        TestWrong().test_op_case_matches_reference(core, "Abs-1/basic")
    TestWrong().test_op_case_matches_reference(core, "Equal-1/broadcast")  # booleans unaffected


def _plugin(device: FakeDevice) -> object:
    class Plugin:
        @pyvino.hookimpl
        def pyvino_devices(self):
            return [pyvino.DeviceSpec(device.name, lambda: device)]

    return Plugin()


def test_overriding_a_standard_test_needs_an_xfail_reason():
    with pytest.raises(TypeError, match="test_export_import_round_trip.*xfail"):

        class TestSilent(DeviceConformance):  # noqa: F841
            device = "X"

            def test_export_import_round_trip(self, core):
                pass

    with pytest.raises(TypeError, match="test_op_case_matches_reference"):

        class TestDeleted(DeviceConformance):  # noqa: F841
            test_op_case_matches_reference = None

    with pytest.raises(TypeError, match="test_ir_round_trip"):

        class TestOp(OpConformance):  # noqa: F841
            @pytest.mark.xfail(reason="")
            def test_ir_round_trip(self, core, case):
                pass

    class TestHonest(DeviceConformance):
        device = "X"

        @pytest.mark.xfail(reason="X cannot export yet")
        def test_export_import_round_trip(self, core):
            raise NotImplementedError

    assert TestHonest.device == "X"


class Doubler1(Op):
    type_name = "Doubler"
    version_id = "extension"
    num_inputs = 1

    def infer(self):
        return [(self.input_type(0), self.input_shape(0))]

    def evaluate(self, x):
        return ((x * 2).astype(x.dtype),)


class LyingDoubler1(Doubler1):
    type_name = "LyingDoubler"

    def infer(self):
        return [(self.input_type(0), pyvino.PartialShape([7]))]


CASE = OpCase("vector", [Data((4,))])


def test_op_conformance_catches_infer_disagreeing_with_evaluate():
    class TestLying(OpConformance):
        op = LyingDoubler1
        cases = [CASE]

    with pytest.raises(AssertionError, match=r"infer says \[7\].*\(4,\)"):
        TestLying().test_infer_agrees_with_evaluate(CASE)


def test_op_conformance_catches_a_wrong_kernel_and_passes_a_right_one():
    class TestDoubler(OpConformance):
        op = Doubler1
        cases = [CASE]

    for kernel, ok in ((lambda node, x: (x * 2,), True), (lambda node, x: (x * 3,), False)):
        core = pyvino.Core()
        core.add_extension(
            Extension("doubler", ops=[Doubler1], kernels=[op_kernel("CPU", Doubler1, kernel)])
        )
        TestDoubler().test_ir_round_trip(core, CASE)
        TestDoubler().test_ir_needs_the_op_registered(core, CASE)
        if ok:
            TestDoubler().test_runs_on_device(core, CASE, "CPU")
            TestDoubler().test_kernels_match_evaluate(core, CASE)
        else:
            with pytest.raises(AssertionError, match="CPU kernel"):
                TestDoubler().test_kernels_match_evaluate(core, CASE)


FIXTURE_TESTS = """
import numpy as np, pyvino

def test_fixtures(pyvino_core, pyvino_device, pyvino_ops, assert_matches_reference,
                  ir_round_trip):
    assert pyvino_device == "CPU"
    x = pyvino_ops.parameter([2, 3], "f32", name="x")
    model = pyvino.Model([pyvino_ops.sigmoid(x)], [x], "m")
    (out,) = assert_matches_reference(model)
    assert out.shape == (2, 3)
    again = ir_round_trip(model)
    assert [n.type_name for n in again.get_ordered_ops()] == ["Parameter", "Sigmoid", "Result"]

def test_plugins_can_be_restricted(pyvino_plugins):
    pyvino_plugins("opsets")
    assert "CPU" not in pyvino.Core().available_devices
"""


def test_fixtures_module_works_as_a_pytest_plugin(tmp_path):
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["pyvino.testing.fixtures"]\n')
    (tmp_path / "test_uses_fixtures.py").write_text(textwrap.dedent(FIXTURE_TESTS))
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            "--pyvino-device",
            "CPU",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 passed" in out.stdout
