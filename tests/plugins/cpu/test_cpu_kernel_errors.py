"""A kernel that fails, at compile time (folding constants) or at inference, gives one typed
error naming the node, its op type and the original exception, never a raw traceback."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import Op
from pyvino._extension import Extension, op_kernel


class Twice1(Op):
    """y = 2 * x; its CPU kernel is whatever a test registers."""

    type_name = "Twice"
    version_id = "extension"
    num_inputs = 1

    def infer(self):
        return [(self.input_type(0), self.input_shape(0))]

    def evaluate(self, x):
        return (x * 2,)


def core_with(kernel) -> pyvino.Core:
    core = pyvino.Core()
    core.add_extension(Extension("twice", ops=[Twice1], kernels=[op_kernel("CPU", Twice1, kernel)]))
    return core


def folded_model() -> pyvino.Model:
    """``const_twice`` reads only a Constant, so the CPU plugin folds it while compiling."""
    x = pyvino.Parameter("f32", [3], "x")
    folded = Twice1([pyvino.Constant(np.ones(3, np.float32))], name="const_twice")
    return pyvino.Model([pyvino.opset8.add(x, folded)], [x], "folded")


def live_model() -> pyvino.Model:
    x = pyvino.Parameter("f32", [3], "x")
    return pyvino.Model([Twice1([x], name="live_twice")], [x], "live")


def test_folding_a_kernel_that_returns_too_many_outputs_fails_compilation():
    core = core_with(lambda node, x: (x, x))
    with pytest.raises(pyvino.CompilationError, match=r"'const_twice'.*Twice.*2 outputs.*1"):
        core.compile_model(folded_model(), "CPU")


def test_folding_a_kernel_that_raises_a_pyvino_error_fails_compilation_naming_the_node():
    def refusing(node, x):
        raise node.fail("negative lengths are not supported")

    core = core_with(refusing)
    with pytest.raises(
        pyvino.CompilationError, match=r"'const_twice'.*OpValidationError.*negative"
    ):
        core.compile_model(folded_model(), "CPU")


def test_folding_a_kernel_that_works_uses_its_result():
    core = core_with(lambda node, x: (x * 3,))  # not the op's evaluate: proves the kernel ran
    out = core.compile_model(folded_model(), "CPU")(np.zeros(3, np.float32))[0]
    np.testing.assert_array_equal(out, [3, 3, 3])


def test_an_inference_kernel_that_raises_fails_the_request_naming_the_node():
    def refusing(node, x):
        raise ZeroDivisionError("no twice today")

    compiled = core_with(refusing).compile_model(live_model(), "CPU")
    with pytest.raises(
        pyvino.InferenceError, match=r"'live_twice'.*Twice.*ZeroDivisionError: no twice"
    ) as caught:
        compiled(np.ones(3, np.float32))
    assert isinstance(caught.value.__cause__, ZeroDivisionError)


def test_an_inference_kernel_returning_the_wrong_shape_fails_the_request_naming_the_node():
    x = pyvino.Parameter("f32", [3], "x")
    # the Relu reads the kernel's output, so the output is a planned buffer the kernel must fill
    model = pyvino.Model([pyvino.opset8.relu(Twice1([x], name="live_twice"))], [x], "m")
    compiled = core_with(lambda node, x: (np.ones(5, np.float32),)).compile_model(model, "CPU")
    with pytest.raises(pyvino.InferenceError, match=r"'live_twice'.*Twice"):
        compiled(np.ones(3, np.float32))


def test_the_request_still_runs_after_a_kernel_failure():
    calls = []

    def flaky(node, x):
        calls.append(1)
        if len(calls) == 2:  # the second inference fails, the others succeed
            raise RuntimeError("transient")
        return (x * 2,)

    compiled = core_with(flaky).compile_model(live_model(), "CPU")
    request = compiled.create_infer_request()
    np.testing.assert_array_equal(request.infer([np.ones(3, np.float32)])[0], [2, 2, 2])
    with pytest.raises(pyvino.InferenceError, match="transient"):
        request.infer([np.ones(3, np.float32)])
    np.testing.assert_array_equal(request.infer([np.full(3, 4, np.float32)])[0], [8, 8, 8])
