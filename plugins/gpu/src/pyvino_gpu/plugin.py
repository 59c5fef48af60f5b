"""GPUPlugin: the ``GPU`` device: OpenCL devices through pyopencl (``GPU.0``, ``GPU.1``, ...)."""

from __future__ import annotations

from typing import Any

from pyvino import DevicePlugin, Model, Op, PropertyError, Type
from pyvino._device import node_key

from pyvino_gpu import _devices
from pyvino_gpu.kernels._support import is_constant, static_shapes
from pyvino_gpu.kernels.extension import supports_extension

_PASSIVE = {"Parameter", "Constant", "Result"}


class GPUPlugin(DevicePlugin):
    """OpenCL execution; INFERENCE_PRECISION_HINT defaults to f16 where cl_khr_fp16 exists."""

    name = "GPU"
    rw_defaults = {
        "PERFORMANCE_HINT": "LATENCY",
        "PERFORMANCE_HINT_NUM_REQUESTS": 0,
        "NUM_STREAMS": "AUTO",  # the hint decides: LATENCY 1, THROUGHPUT 2
        "INFERENCE_PRECISION_HINT": "dynamic",  # = the device's default, resolved on read
        "EXECUTION_MODE_HINT": "PERFORMANCE",
        "PERF_COUNT": False,
        "DEVICE_ID": "0",
    }

    # ----------------------------------------------------------------- devices
    def device_ids(self) -> list[str]:
        return [str(d.index) for d in _devices.devices()]

    def unavailable_reason(self) -> str | None:
        return _devices.discover()[1]

    def _device(self, config: dict[str, Any] | None = None) -> _devices.DeviceInfo:
        return _devices.device((config or self._config).get("DEVICE_ID", "0"))

    # ----------------------------------------------------------------- properties
    def get_property(self, key: str) -> Any:
        key = str(getattr(key, "value", key))
        if key == "INFERENCE_PRECISION_HINT":
            return self.inference_precision(self._config)
        return super().get_property(key)

    def inference_precision(self, config: dict[str, Any]) -> Type:
        """What a compile with ``config`` runs at: f16 storage needs cl_khr_fp16."""
        hint = Type.get(config.get("INFERENCE_PRECISION_HINT", "dynamic"))
        reason = self.unavailable_reason()
        fp16 = reason is None and self._device(config).fp16
        if hint is Type.dynamic:
            accurate = config.get("EXECUTION_MODE_HINT") == "ACCURACY"
            return Type.f16 if fp16 and not accurate else Type.f32
        return Type.f16 if hint in (Type.f16, Type.bf16) and fp16 else Type.f32

    def _read_only(self, key: str) -> Any:
        if key == "AVAILABLE_DEVICES":
            return self.device_ids()
        if key == "RANGE_FOR_STREAMS":
            return (1, 2)
        if key == "RANGE_FOR_ASYNC_INFER_REQUESTS":
            return (1, 2, 1)
        reason = self.unavailable_reason()
        if reason is not None:
            raise PropertyError(
                f"device GPU: {key} is unknown, the device is not available: {reason}"
            )
        info = self._device()
        if key == "FULL_DEVICE_NAME":
            return info.full_name
        if key == "DEVICE_ARCHITECTURE":
            return info.architecture
        if key == "DEVICE_TYPE":
            return "integrated" if info.integrated else "discrete"
        if key == "OPTIMIZATION_CAPABILITIES":
            return ["FP32"] + (["FP16"] if info.fp16 else []) + ["EXPORT_IMPORT"]
        return super()._read_only(key)

    # ----------------------------------------------------------------- models
    def _supports(self, node: Op, config: dict[str, Any]) -> bool:
        from pyvino_gpu.kernels import bounded_result, supports
        from pyvino_gpu.kernels._common import FLOAT_TYPES, INT_CTYPES

        if node.type_name == "Constant":
            return True
        if node.type_name in _PASSIVE:  # shapes are baked into kernels: static only
            types = [node.get_output_element_type(p).name for p in range(node.get_output_size())]
            types += [i.element_type.name for i in node.inputs]
            static = node.get_output_partial_shape(0).is_static or (
                node.type_name == "Result" and bounded_result(node)
            )
            return static and all(t in FLOAT_TYPES or t in INT_CTYPES for t in types)
        if _foldable(node):
            return True
        kernel = self._extension_kernels().get(node_key(node))
        if kernel is not None:
            return static_shapes(node) and supports_extension(node, kernel)
        return supports(node)

    def _extension_kernels(self) -> dict[tuple[str, str], Any]:
        """OpenCLKernels that extensions contribute through ``pyvino_kernels("GPU")``."""
        from pyvino._opencl_kernel import OpenCLKernel

        if self.core is None:
            return {}
        specs = self.core.plugin_manager.kernels("GPU")
        return {
            k: spec.implementation
            for k, spec in specs.items()
            if isinstance(spec.implementation, OpenCLKernel)
        }

    def _compile(self, model: Model, config: dict[str, Any]) -> Any:
        from pyvino_gpu._compiled import GPUCompiledModel
        from pyvino_gpu._lower import Lowering

        info = self._device(config)
        precision = self.inference_precision(config)
        model = model.clone()
        plan = Lowering(
            model,
            precision.name,
            min(256, info.max_work_group_size),
            self._extension_kernels(),
            cpu_device=info.is_cpu,
        ).run()
        config = {**config, "INFERENCE_PRECISION_HINT": precision}
        return GPUCompiledModel(model, config, info, plan)

    def _import(self, payload: bytes, config: dict[str, Any]) -> Any:
        from pyvino_gpu._export import import_payload

        return import_payload(self, payload, config)


def _foldable(node: Op) -> bool:
    """Computed when compiling: every input is constant (or a ShapeOf of a static shape)."""
    if type(node).evaluate is Op.evaluate:
        return False
    if node.type_name == "ShapeOf":
        return static_shapes(node)
    return bool(node.inputs) and all(is_constant(node, i) for i in range(len(node.inputs)))
