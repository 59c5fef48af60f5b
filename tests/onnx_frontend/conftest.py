"""Shared fixtures of the ONNX frontend tests."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from pyvino import OpsetRegistry  # noqa: E402


@pytest.fixture(scope="session")
def registry() -> OpsetRegistry:
    """Every opset of pyvino-opsets (built directly, independent of plugin loading)."""
    from pyvino_opsets import OPSETS

    reg = OpsetRegistry()
    for opset in OPSETS:
        reg.add(opset)
    return reg
