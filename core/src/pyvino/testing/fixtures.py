"""Opt-in pytest fixtures for projects that build on pyvino (a pytest plugin).

Enable in your root ``conftest.py``::

    pytest_plugins = ["pyvino.testing.fixtures"]

or on the command line with ``-p pyvino.testing.fixtures``. Then ``--pyvino-device NAME`` (or
the ``PYVINO_TEST_DEVICE`` variable; default ``CPU``) picks the device the fixtures use.

Fixtures: ``pyvino_device`` (the device name), ``pyvino_core`` (a fresh ``Core``, so
extensions added in one test never leak into another), ``pyvino_ops`` (an opset builder for
the newest installed opset), ``assert_matches_reference`` (compile on the device, run, compare
with the reference evaluate; returns the outputs), ``ir_round_trip`` (serialize a model to IR
and read it back) and ``pyvino_plugins`` (restrict plugin loading like ``PYVINO_PLUGINS`` for
one test, with a fresh process-wide plugin manager that is restored afterwards).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import pytest

from pyvino._model import Model
from pyvino._opset import OpsetBuilder
from pyvino._reference import evaluate_model
from pyvino.runtime import Core
from pyvino.testing._device_op_cases import assert_outputs_match
from pyvino.testing._models import random_inputs

DEVICE_ENV = "PYVINO_TEST_DEVICE"


def pytest_addoption(parser: Any) -> None:
    parser.addoption(
        "--pyvino-device",
        default=None,
        help=f"device the pyvino fixtures compile for (default: ${DEVICE_ENV} or CPU)",
    )


@pytest.fixture
def pyvino_device(request: Any) -> str:
    return request.config.getoption("--pyvino-device") or os.environ.get(DEVICE_ENV) or "CPU"


@pytest.fixture
def pyvino_core() -> Core:
    return Core()


@pytest.fixture
def pyvino_ops(pyvino_core: Core) -> OpsetBuilder:
    return pyvino_core.plugin_manager.registry.builder()


@pytest.fixture
def assert_matches_reference(
    pyvino_core: Core, pyvino_device: str
) -> Callable[..., list[np.ndarray]]:
    """``check(model, inputs=None, precision=None, config=None) -> outputs``."""

    def check(
        model: Model,
        inputs: Sequence[np.ndarray] | None = None,
        precision: Any = None,
        config: dict[str, Any] | None = None,
    ) -> list[np.ndarray]:
        data = list(inputs) if inputs is not None else random_inputs(model, seed=0)
        compiled = pyvino_core.compile_model(model, pyvino_device, config or {})
        actual = list(compiled(data).to_tuple())
        assert_outputs_match(actual, evaluate_model(model, data), model, precision)
        return actual

    return check


@pytest.fixture
def ir_round_trip(pyvino_core: Core) -> Callable[[Model], Model]:
    """``again = ir_round_trip(model)``: through IR v11 bytes and back with this Core's ops."""
    from pyvino.ir import serialize_ir

    def round_trip(model: Model) -> Model:
        xml, weights = serialize_ir(model)
        return pyvino_core.read_model(xml, np.frombuffer(weights, np.uint8))

    return round_trip


@pytest.fixture
def pyvino_plugins(monkeypatch: Any) -> Iterator[Callable[[str | None], None]]:
    """``pyvino_plugins("cpu,opsets")`` allow-lists plugins; ``pyvino_plugins(None)`` loads none."""
    from pyvino._plugins import reset_default_manager

    def restrict(allow: str | None) -> None:
        if allow is None:
            monkeypatch.setenv("PYVINO_DISABLE_PLUGIN_AUTOLOAD", "1")
        else:
            monkeypatch.delenv("PYVINO_DISABLE_PLUGIN_AUTOLOAD", raising=False)
            monkeypatch.setenv("PYVINO_PLUGINS", allow)
        reset_default_manager()

    yield restrict
    reset_default_manager()
