"""CPUPlugin: the ``CPU`` device: fused BLAS and numba kernels, reference ``evaluate`` for the rest.

This module stays cheap to import: numba and the kernels load when a model is compiled.
"""

from __future__ import annotations

import json
import os
import platform
from typing import TYPE_CHECKING, Any

from pyvino import DevicePlugin, Model, Op, Type
from pyvino._blob import pack_sections, unpack_sections
from pyvino._device import node_key
from pyvino._errors import BlobFormatError
from pyvino._properties import PropertySpec, _non_negative_int

if TYPE_CHECKING:
    from pyvino_cpu._compiled import CPUCompiledModel

EXPORT_FORMAT = 1


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _inference_precision(value: Any) -> Type:
    """The precision the CPU computes in for a requested INFERENCE_PRECISION_HINT.

    As in OpenVINO's CPU plugin, bf16 and f16 are accepted and the plugin keeps f32 where it
    has no such compute path, so the property reads back the precision actually used. Every
    pyvino CPU kernel (numpy BLAS, numba) computes in f32, whatever the host's bf16/fp16
    instructions, so here that is f32 always. Other types (i8, ...) are refused.
    """
    requested = Type.get(value)
    if requested in (Type.bf16, Type.f16):
        return Type.f32
    if requested not in (Type.f32, Type.dynamic):
        raise ValueError(f"INFERENCE_PRECISION_HINT {requested.name} is not a compute precision")
    return requested


class CPUPlugin(DevicePlugin):
    """The host CPU; LATENCY: one stream on all cores, THROUGHPUT: parallel streams."""

    name = "CPU"
    read_only_properties = (*DevicePlugin.read_only_properties, "OPTIMAL_NUMBER_OF_INFER_REQUESTS")
    rw_defaults = {
        "PERFORMANCE_HINT": "LATENCY",
        "PERFORMANCE_HINT_NUM_REQUESTS": 0,
        "NUM_STREAMS": "AUTO",
        "INFERENCE_NUM_THREADS": 0,
        "INFERENCE_PRECISION_HINT": "f32",
        "EXECUTION_MODE_HINT": "PERFORMANCE",
        "PERF_COUNT": False,
        "ENABLE_CPU_PINNING": False,
        # shape specialisations kept per compiled model of a dynamic model (0: none, every
        # request runs the dynamic graph on reference kernels); = _specialise.DEFAULT_CAPACITY
        "CPU_RUNTIME_CACHE_CAPACITY": 16,
    }
    extra_properties = {
        "INFERENCE_PRECISION_HINT": PropertySpec(
            "INFERENCE_PRECISION_HINT",
            _inference_precision,
            "f32, bf16, f16 or dynamic (bf16 and f16 run as f32: the CPU kernels compute in f32)",
        ),
        "CPU_RUNTIME_CACHE_CAPACITY": PropertySpec(
            "CPU_RUNTIME_CACHE_CAPACITY", _non_negative_int, "an integer >= 0"
        ),
    }

    def _read_only(self, key: str) -> Any:
        cores = os.cpu_count() or 1
        if key == "FULL_DEVICE_NAME":
            return _cpu_name()
        if key == "DEVICE_ARCHITECTURE":
            return platform.machine()
        if key == "OPTIMIZATION_CAPABILITIES":
            return ["FP32", "WINOGRAD", "INT8", "EXPORT_IMPORT"]
        if key == "RANGE_FOR_STREAMS":
            return (1, cores)
        if key == "RANGE_FOR_ASYNC_INFER_REQUESTS":
            return (1, cores, 1)
        if key == "OPTIMAL_NUMBER_OF_INFER_REQUESTS":
            from pyvino_cpu._streams import resolve_streams

            return resolve_streams(self._config).streams
        return super()._read_only(key)

    def _kernels(self) -> dict[tuple[str, str], Any]:
        if self.core is None:
            return {}
        return {
            k: spec.implementation for k, spec in self.core.plugin_manager.kernels("CPU").items()
        }

    def _supports(self, node: Op, config: dict[str, Any]) -> bool:
        if node.type_name in ("Parameter", "Result", "Constant"):
            return True
        if node_key(node) in self._kernels():
            return True
        return type(node).evaluate is not Op.evaluate

    def _compile(self, model: Model, config: dict[str, Any]) -> CPUCompiledModel:
        from pyvino_cpu._compiled import CPUCompiledModel

        return CPUCompiledModel(model.clone(), config, self._kernels())

    def _import(self, payload: bytes, config: dict[str, Any]) -> CPUCompiledModel:
        from pyvino.ir import read_ir_bytes

        sections = unpack_sections(payload)
        missing = {"meta", "xml", "bin"} - set(sections)
        if missing:
            raise BlobFormatError(f"CPU blob lacks section(s): {', '.join(sorted(missing))}")
        try:
            meta = json.loads(sections["meta"].decode())
        except ValueError as exc:
            raise BlobFormatError(f"CPU blob metadata is corrupted: {exc}") from None
        if meta.get("format") != EXPORT_FORMAT:
            raise BlobFormatError(
                f"CPU blob format {meta.get('format')!r} is not supported "
                f"(expected {EXPORT_FORMAT})"
            )
        assert self.core is not None
        model = read_ir_bytes(
            sections["xml"], sections["bin"], self.core.plugin_manager.registry, source="<CPU blob>"
        )
        saved = self.validate_config(meta.get("config", {}))
        from pyvino_cpu._compiled import CPUCompiledModel

        return CPUCompiledModel(model, {**saved, **config}, self._kernels())


def export_payload(compiled: CPUCompiledModel) -> bytes:
    from pyvino.ir import serialize_ir

    xml, weights = serialize_ir(compiled.model, compress_to_fp16=False)
    config = {k: (v.name if isinstance(v, Type) else v) for k, v in compiled.config.items()}
    meta = json.dumps({"format": EXPORT_FORMAT, "config": config}).encode()
    return pack_sections({"meta": meta, "xml": xml, "bin": weights})
