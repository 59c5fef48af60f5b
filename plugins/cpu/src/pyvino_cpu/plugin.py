"""CPUPlugin: the ``CPU`` device: fused BLAS and numba kernels, reference ``evaluate`` for the rest.

This module stays cheap to import: numba and the kernels load when a model is compiled.
"""

from __future__ import annotations

import json
import os
import platform
from typing import TYPE_CHECKING, Any

from pyvino import CompilationError, DevicePlugin, Model, Op, Type
from pyvino._blob import pack_sections, unpack_sections
from pyvino._device import node_key
from pyvino._errors import BlobFormatError

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
        hint = config.get("INFERENCE_PRECISION_HINT")
        if hint not in (Type.f32, Type.dynamic):
            name = getattr(hint, "name", hint)
            raise CompilationError(
                f"CPU: INFERENCE_PRECISION_HINT {name} is not supported: the CPU plugin "
                "computes in f32 (its kernels have no bf16/f16 paths yet); compile with "
                "INFERENCE_PRECISION_HINT f32"
            )
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
