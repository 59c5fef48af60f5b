"""Test-only ops for core tests that must not depend on the opsets package."""

from __future__ import annotations

import numpy as np
import pytest
from pyvino import FLOAT, Attr, Op, Opset, OpsetRegistry


class TRelu(Op):
    """max(x, 0)."""

    type_name = "Relu"
    version_id = "opset1"
    num_inputs = 1

    def infer(self):
        return [(self.input_type(0), self.input_shape(0))]

    def evaluate(self, x):
        return (np.maximum(x, 0).astype(x.dtype),)


class TScale(Op):
    """x * factor (a typed float attribute)."""

    type_name = "Scale"
    version_id = "opset1"
    attributes = (Attr("factor", FLOAT),)
    num_inputs = 1

    def infer(self):
        return [(self.input_type(0), self.input_shape(0))]

    def evaluate(self, x):
        return ((x * self.attrs["factor"]).astype(x.dtype),)


@pytest.fixture
def test_registry() -> OpsetRegistry:
    reg = OpsetRegistry()
    reg.add(Opset("opset1", [TRelu, TScale]), "tests")
    return reg
