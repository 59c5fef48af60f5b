"""DeviceConformance: the behaviour every device plugin must show, as inherited pytest tests."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

from pyvino._errors import InferenceError, PropertyError, PyvinoError
from pyvino._reference import evaluate_model
from pyvino.runtime import AsyncInferQueue, Core
from pyvino.testing._cache_checks import (
    assert_damaged_entry_is_rebuilt,
    count_compiles,
    flipped,
    truncated,
)
from pyvino.testing._device_op_cases import OpCaseTests
from pyvino.testing._guard import check_overrides
from pyvino.testing._models import conformance_models, random_inputs, tolerance_for


class DeviceConformance(OpCaseTests):
    """Subclass as ``class TestX(DeviceConformance): device = "X"``.

    ``unsupported`` maps op type names the device is allowed not to claim to a reason; models
    using them are skipped (with that reason) rather than failed. ``precision`` picks the
    comparison tolerance; ``config`` is passed to every compile. Every op case of every
    installed opset that the device claims must match the reference (``OpCaseTests``).
    A standard test may be overridden only as ``@pytest.mark.xfail(reason=...)``.
    """

    device: ClassVar[str] = ""
    unsupported: ClassVar[dict[str, str]] = {}
    precision: ClassVar[str | None] = None
    config: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        check_overrides(cls, DeviceConformance, _STANDARD)

    # ----------------------------------------------------------------- helpers
    @pytest.fixture(scope="class")
    def core(self) -> Core:
        return Core()

    def _plugin_name(self) -> str:
        return self.device.split(".")[0].split(":")[0]

    def _model(self, core: Core, name: str) -> Any:
        model = conformance_models()[name]()
        claimed = core.query_model(model, self.device, self.config)
        missing = [n for n in model.get_ordered_ops() if n.friendly_name not in claimed]
        allowed = [n for n in missing if n.type_name in self.unsupported]
        if allowed:
            pytest.skip(f"{name}: {allowed[0].type_name}: {self.unsupported[allowed[0].type_name]}")
        return model

    def _check(self, actual: Any, expected: list[np.ndarray]) -> None:
        rtol, atol = tolerance_for(self.precision)
        assert len(actual) == len(expected)
        for a, e in zip(actual, expected, strict=True):
            np.testing.assert_allclose(
                np.asarray(a, dtype=np.float64),
                np.asarray(e, dtype=np.float64),
                rtol=rtol,
                atol=atol,
            )

    # ----------------------------------------------------------------- availability, properties
    def test_device_is_registered_and_available(self, core: Core) -> None:
        plugin = core.get_device_plugin(self._plugin_name())
        reason = plugin.unavailable_reason()
        assert reason is None, f"{self.device} unavailable: {reason}"
        if not plugin.is_meta:
            assert any(d.split(".")[0] == self._plugin_name() for d in core.available_devices)

    def test_supported_properties_round_trip(self, core: Core) -> None:
        supported = core.get_property(self.device, "SUPPORTED_PROPERTIES")
        assert isinstance(supported, dict) and supported
        for key, mode in supported.items():
            value = core.get_property(self.device, key)
            if mode == "RW":
                core.set_property(self.device, {key: value})
                assert core.get_property(self.device, key) == value

    def test_unknown_property_raises(self, core: Core) -> None:
        with pytest.raises(PropertyError, match="NOT_A_PROPERTY"):
            core.get_property(self.device, "NOT_A_PROPERTY")
        with pytest.raises(PropertyError, match="NOT_A_PROPERTY"):
            core.set_property(self.device, {"NOT_A_PROPERTY": 1})

    def test_bad_property_value_raises(self, core: Core) -> None:
        supported = core.get_property(self.device, "SUPPORTED_PROPERTIES")
        if supported.get("PERFORMANCE_HINT") != "RW":
            pytest.skip("no PERFORMANCE_HINT")
        with pytest.raises(PropertyError, match="PERFORMANCE_HINT"):
            core.set_property(self.device, {"PERFORMANCE_HINT": "AS_FAST_AS_POSSIBLE"})

    # ----------------------------------------------------------------- inference
    @pytest.mark.parametrize("name", sorted(conformance_models()))
    def test_matches_reference(self, core: Core, name: str) -> None:
        model = self._model(core, name)
        inputs = random_inputs(model, seed=1)
        compiled = core.compile_model(model, self.device, self.config)
        self._check(compiled(inputs).to_tuple(), evaluate_model(model, inputs))

    def test_query_model_claims_only_what_compiles(self, core: Core) -> None:
        model = conformance_models()["cnn"]()
        claimed = core.query_model(model, self.device, self.config)
        names = {n.friendly_name for n in model.get_ordered_ops()}
        assert set(claimed) <= names
        if set(claimed) == names:
            core.compile_model(model, self.device, self.config)

    def test_sync_async_and_queue_agree(self, core: Core) -> None:
        model = self._model(core, "cnn")
        compiled = core.compile_model(model, self.device, self.config)
        batches = [random_inputs(model, seed=s) for s in range(6)]
        sync = [compiled(b)[0].copy() for b in batches]
        request = compiled.create_infer_request()
        request.start_async(batches[0])
        request.wait()
        np.testing.assert_array_equal(request.results[0], sync[0])
        got: dict[int, np.ndarray] = {}
        calls: list[int] = []
        lock = threading.Lock()

        def done(req: Any, userdata: int) -> None:
            with lock:
                calls.append(userdata)
                got[userdata] = req.results[0].copy()

        queue = AsyncInferQueue(compiled, 3)
        queue.set_callback(done)
        for i, b in enumerate(batches):
            queue.start_async(b, i)
        queue.wait_all()
        assert sorted(calls) == list(range(len(batches))), "each callback exactly once"
        for i, expected in enumerate(sync):
            np.testing.assert_array_equal(got[i], expected)

    def test_callback_runs_once_per_request(self, core: Core) -> None:
        model = self._model(core, "two_io")
        compiled = core.compile_model(model, self.device, self.config)
        request = compiled.create_infer_request()
        calls: list[Any] = []
        request.set_callback(calls.append, "token")
        for _ in range(3):
            request.start_async(random_inputs(model))
            request.wait()
        assert calls == ["token"] * 3

    def test_inputs_by_name_index_and_position(self, core: Core) -> None:
        model = self._model(core, "two_io")
        compiled = core.compile_model(model, self.device, self.config)
        a, b = random_inputs(model, seed=3)
        by_pos = compiled([a, b])
        by_name = compiled({"b": b, "a": a})
        by_index = compiled({1: b, 0: a})
        for r in (by_name, by_index):
            np.testing.assert_array_equal(r["product"], by_pos[0])
            np.testing.assert_array_equal(r["difference"], by_pos[1])
        self._check([by_pos["product"], by_pos["difference"]], [a * b, a - b])

    def test_bad_inputs_raise_typed_errors(self, core: Core) -> None:
        model = self._model(core, "two_io")
        compiled = core.compile_model(model, self.device, self.config)
        a, b = random_inputs(model)
        with pytest.raises(InferenceError, match="'a'.*shape"):
            compiled({"a": np.zeros((3, 5), np.float32), "b": b})
        with pytest.raises(InferenceError, match="'b'.*element type"):
            compiled({"a": a, "b": b.astype(np.float64)})
        with pytest.raises(InferenceError, match="missing input.*b"):
            compiled({"a": a})
        with pytest.raises(InferenceError, match="unknown input 'c'"):
            compiled({"a": a, "b": b, "c": b})

    def test_export_import_round_trip(self, core: Core) -> None:
        caps = core.get_property(self.device, "OPTIMIZATION_CAPABILITIES")
        if "EXPORT_IMPORT" not in caps:
            pytest.skip(f"{self.device} does not advertise EXPORT_IMPORT")
        model = self._model(core, "cnn")
        compiled = core.compile_model(model, self.device, self.config)
        blob = compiled.export_model()
        imported = core.import_model(blob, self.device, self.config)
        inputs = random_inputs(model, seed=5)
        np.testing.assert_array_equal(imported(inputs)[0], compiled(inputs)[0])
        corrupted = bytearray(blob)
        corrupted[-1] ^= 0xFF
        with pytest.raises(PyvinoError, match="corrupted|checksum"):
            core.import_model(bytes(corrupted), self.device)
        with pytest.raises(PyvinoError, match="truncated"):
            core.import_model(blob[: len(blob) // 2], self.device)

    def test_model_cache_hit_and_broken_entries(
        self, core: Core, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """CACHE_DIR: the second compile loads the entry without compiling; a truncated or
        corrupted entry is ignored (never a crash), compiled again and written back whole."""
        caps = core.get_property(self.device, "OPTIMIZATION_CAPABILITIES")
        if "EXPORT_IMPORT" not in caps:
            pytest.skip(f"{self.device} does not advertise EXPORT_IMPORT")
        config = {**self.config, "CACHE_DIR": str(tmp_path)}
        model = self._model(core, "cnn")  # one instance: node names are part of the key
        inputs = random_inputs(model, seed=6)
        compiles = count_compiles(core, self.device, monkeypatch)
        first = core.compile_model(model, self.device, config)
        assert first.get_property("LOADED_FROM_CACHE") is False
        assert len(compiles) == 1
        want = first(inputs)[0]
        for damage in (truncated, flipped):
            assert_damaged_entry_is_rebuilt(core, self.device, model, inputs, config, damage,
                                            compiles)
        hit = core.compile_model(model, self.device, config)
        np.testing.assert_array_equal(hit(inputs)[0], want)

    def test_optimal_number_of_infer_requests(self, core: Core) -> None:
        model = self._model(core, "two_io")
        compiled = core.compile_model(model, self.device, self.config)
        n = compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")
        assert isinstance(n, int) and n >= 1


_STANDARD = frozenset(n for n in dir(DeviceConformance) if n.startswith("test_"))


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
