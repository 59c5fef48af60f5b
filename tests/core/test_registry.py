"""OpsetRegistry lookups, legacy spellings, conflicts, and the builder."""

from __future__ import annotations

import numpy as np
import pytest
from pyvino import Opset, OpsetRegistry, PluginError, UnknownOpError

from .conftest import TRelu, TScale


def test_lookup_by_type_and_opset_with_legacy_spelling(test_registry):
    assert test_registry.lookup("Relu", "opset1") is TRelu
    assert test_registry.lookup("ReLU", "opset1") is TRelu


def test_unknown_opset_and_type_errors(test_registry):
    with pytest.raises(UnknownOpError, match="unsupported opset: opset99"):
        test_registry.lookup("Relu", "opset99")
    with pytest.raises(UnknownOpError, match="Opset opset1 doesn't contain the operation with type: FooBar"):
        test_registry.lookup("FooBar", "opset1")


def test_duplicate_op_names_both_distributions():
    class OtherRelu(TRelu):
        pass

    reg = OpsetRegistry()
    reg.add(Opset("opset1", [TRelu]), "dist-a")
    with pytest.raises(PluginError, match="dist-a.*dist-b"):
        reg.add(Opset("opset1", [OtherRelu]), "dist-b")


def test_extension_opsets_from_two_distributions_merge():
    reg = OpsetRegistry()
    reg.add(Opset("extension", [TRelu]), "a")
    reg.add(Opset("extension", [TScale]), "b")
    assert reg.get_opset("extension").types() == ["Relu", "Scale"]
    assert reg.origin("extension", "Scale") == "b"


def test_builder_makes_nodes_and_constants(test_registry):
    ops = test_registry.builder("opset1")
    x = ops.parameter([2, 2], "f32", name="x")
    y = ops.scale(ops.relu(x), factor=3)
    assert y.type_name == "Scale" and y.attrs["factor"] == 3.0
    assert x.output(0).get_names() == {"x"}
    c = ops.relu(np.array([-1.0, 1.0], np.float32))
    np.testing.assert_array_equal(c.output_value(0), [0.0, 1.0])
    with pytest.raises(UnknownOpError, match="doesn't contain an operation 'conv'"):
        ops.conv(x)
