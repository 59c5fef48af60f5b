"""The public device-plugin API: ``DevicePlugin``, ``CompiledBackend`` and ``SyncRequest``.

Public methods validate; a backend author fills in a few underscore methods and writes only
the synchronous part. The core supplies async requests, callbacks, ``AsyncInferQueue`` and
parallel streams on top (pyvino.runtime).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from pyvino._errors import CompilationError, PropertyError
from pyvino._model import Model
from pyvino._node import Op
from pyvino._properties import STANDARD_PROPERTIES, PropertySpec, read_only, validate

if TYPE_CHECKING:
    from pyvino.runtime import Core


@dataclass(frozen=True)
class ProfilingInfo:
    """Per-node counters, as ``openvino.ProfilingInfo``."""

    node_name: str
    node_type: str
    exec_type: str
    status: str  # EXECUTED, NOT_RUN, OPTIMIZED_OUT
    real_time: timedelta
    cpu_time: timedelta


class SyncRequest:
    """One synchronous request's state; a backend may keep per-request buffers here."""

    def infer(self, inputs: list[np.ndarray]) -> list[np.ndarray]:
        raise NotImplementedError

    def profiling_info(self) -> list[ProfilingInfo]:
        return []


class CompiledBackend:
    """What a device plugin's compile returns: runs ``model`` synchronously on its device."""

    def __init__(self, model: Model, config: dict[str, Any], device: str) -> None:
        self.model = model
        self.config = dict(config)
        self.device = device

    def create_sync_request(self) -> SyncRequest:
        raise NotImplementedError

    def export(self) -> bytes:
        """The device's own code-free payload (wrapped in a blob header by the core)."""
        raise NotImplementedError(f"device {self.device} cannot export compiled models")

    @property
    def num_streams(self) -> int:
        """How many requests may run at the same time (the core's worker threads)."""
        return 1

    def optimal_number_of_infer_requests(self) -> int:
        return self.num_streams

    def get_runtime_model(self) -> Model:
        return self.model

    def property(self, key: str) -> Any:
        """Compiled-model property; unknown keys raise PropertyError."""
        values = {
            "OPTIMAL_NUMBER_OF_INFER_REQUESTS": self.optimal_number_of_infer_requests(),
            "NUM_STREAMS": self.num_streams,
            "EXECUTION_DEVICES": [self.device],
            "NETWORK_NAME": self.model.friendly_name,
            "LOADED_FROM_CACHE": bool(self.config.get("LOADED_FROM_CACHE", False)),
        }
        values.update({k: v for k, v in self.config.items() if k not in values})
        if key == "SUPPORTED_PROPERTIES":
            return {k: "RO" for k in values} | {"SUPPORTED_PROPERTIES": "RO"}
        if key not in values:
            raise PropertyError(
                f"compiled model on {self.device}: unsupported property {key!r}; supported: "
                + ", ".join(sorted(values))
            )
        return values[key]


class DevicePlugin:
    """Base class of device plugins (``CPU``, ``GPU``, meta-devices ...).

    Subclasses set ``name``, ``rw_defaults`` (RW property -> default), optionally
    ``extra_properties`` (plugin-specific PropertySpecs), and implement ``_compile``,
    ``_supports`` (per node, drives query_model), ``_import`` and ``_read_only``.
    """

    name: ClassVar[str] = ""
    is_meta: ClassVar[bool] = False
    rw_defaults: ClassVar[dict[str, Any]] = {"PERF_COUNT": False}
    extra_properties: ClassVar[dict[str, PropertySpec]] = {}
    read_only_properties: ClassVar[tuple[str, ...]] = (
        "AVAILABLE_DEVICES", "FULL_DEVICE_NAME", "OPTIMIZATION_CAPABILITIES",
        "SUPPORTED_PROPERTIES", "DEVICE_TYPE", "DEVICE_ARCHITECTURE", "RANGE_FOR_STREAMS",
        "RANGE_FOR_ASYNC_INFER_REQUESTS",
    )

    def __init__(self) -> None:
        self.core: Core | None = None
        self._config = validate(self._specs(), dict(self.rw_defaults), self.name)

    # ----------------------------------------------------------------- availability
    def device_ids(self) -> list[str]:
        """Ids of the devices this plugin drives; ``[""]`` for a single unnamed device."""
        return [""]

    def unavailable_reason(self) -> str | None:
        """None if usable; otherwise what is missing and what to install."""
        return None

    def available_devices(self) -> list[str]:
        if self.unavailable_reason() is not None:
            return []
        return [self.name if not i else f"{self.name}.{i}" for i in self.device_ids()]

    # ----------------------------------------------------------------- properties
    def _specs(self) -> dict[str, PropertySpec]:
        specs = {k: STANDARD_PROPERTIES[k] for k in self.rw_defaults if k in STANDARD_PROPERTIES}
        specs.update(self.extra_properties)
        specs.update({k: read_only(k) for k in self.read_only_properties})
        return specs

    def supported_properties(self) -> dict[str, str]:
        return {k: ("RW" if s.mutable else "RO") for k, s in self._specs().items()}

    def validate_config(self, config: dict[str, Any] | None) -> dict[str, Any]:
        config = dict(config or {})
        specs = self._specs()
        # DEVICE_PRIORITIES is the newer spelling of MULTI_DEVICE_PRIORITIES (meta-devices).
        if "DEVICE_PRIORITIES" in config and "DEVICE_PRIORITIES" not in specs \
                and "MULTI_DEVICE_PRIORITIES" in specs:
            config["MULTI_DEVICE_PRIORITIES"] = config.pop("DEVICE_PRIORITIES")
        return validate(specs, config, f"device {self.name}")

    def set_property(self, props: dict[str, Any]) -> None:
        self._config.update(self.validate_config(props))

    def get_property(self, key: str) -> Any:
        key = str(getattr(key, "value", key))
        if key == "SUPPORTED_PROPERTIES":
            return self.supported_properties()
        if key in self._config:
            return self._config[key]
        if key in self.read_only_properties:
            return self._read_only(key)
        raise PropertyError(
            f"device {self.name}: unsupported property {key!r}; supported: "
            + ", ".join(sorted(self.supported_properties()))
        )

    def _read_only(self, key: str) -> Any:
        if key == "AVAILABLE_DEVICES":
            return self.device_ids()
        if key == "FULL_DEVICE_NAME":
            return self.name
        if key == "DEVICE_TYPE":
            return "integrated"
        if key == "DEVICE_ARCHITECTURE":
            return self.name
        if key == "OPTIMIZATION_CAPABILITIES":
            return ["FP32"]
        if key == "RANGE_FOR_STREAMS":
            return (1, 1)
        if key == "RANGE_FOR_ASYNC_INFER_REQUESTS":
            return (1, 1, 1)
        raise PropertyError(f"device {self.name}: property {key!r} has no value")

    def compile_config(self, config: dict[str, Any] | None) -> dict[str, Any]:
        """Plugin-level properties overridden by the compile call's ``config`` (validated)."""
        return {**self._config, **self.validate_config(config)}

    # ----------------------------------------------------------------- models
    def _supports(self, node: Op, config: dict[str, Any]) -> bool:
        return True

    def query_model(self, model: Model, config: dict[str, Any] | None = None) -> dict[str, str]:
        """``{node friendly name: device}`` for every node this device can run."""
        cfg = self.compile_config(config)
        return {
            n.friendly_name: self.name
            for n in model.get_ordered_ops()
            if self._supports(n, cfg)
        }

    def unsupported_nodes(self, model: Model, config: dict[str, Any]) -> list[Op]:
        return [n for n in model.get_ordered_ops() if not self._supports(n, config)]

    def compile_model(self, model: Model, config: dict[str, Any] | None = None) -> CompiledBackend:
        reason = self.unavailable_reason()
        if reason is not None:
            raise CompilationError(f"device {self.name} is not available: {reason}")
        cfg = self.compile_config(config)
        missing = self.unsupported_nodes(model, cfg)
        if missing:
            listed = ", ".join(f"{n.friendly_name} ({n.type_name}-{n.op_version()})"
                               for n in missing)
            raise CompilationError(
                f"device {self.name} cannot run {len(missing)} node(s) of model "
                f"{model.friendly_name!r}: {listed}; use HETERO:{self.name},CPU to run them "
                "elsewhere"
            )
        return self._compile(model, cfg)

    def _compile(self, model: Model, config: dict[str, Any]) -> CompiledBackend:
        raise NotImplementedError

    def import_model(self, payload: bytes, config: dict[str, Any] | None = None) -> CompiledBackend:
        return self._import(payload, self.compile_config(config))

    def _import(self, payload: bytes, config: dict[str, Any]) -> CompiledBackend:
        raise CompilationError(f"device {self.name} does not support import_model")


def node_key(node: Op) -> tuple[str, str]:
    """(type name, opset name) of a node, the key kernel tables use."""
    return (node.type_name, node.version_id)

