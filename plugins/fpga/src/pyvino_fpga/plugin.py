"""FPGAPlugin: the ``FPGA`` device. Public methods of ``pyvino.DevicePlugin`` validate; this
class only fills in properties, what it supports, how it compiles and how it imports.
"""

from __future__ import annotations

from typing import Any

from pyvino import DevicePlugin, Model, Op, PropertySpec, int_in

from pyvino_fpga.bitstreams import BITSTREAMS, DEFAULT_BITSTREAM, Bitstream
from pyvino_fpga.kernels import ACCEPTS, KERNELS, Kernel

ALWAYS = ("Parameter", "Result", "Constant")


def _bitstream(value: Any) -> str:
    if value not in BITSTREAMS:
        raise ValueError(value)
    return str(value)


class FPGAPlugin(DevicePlugin):
    """An emulated FPGA: a bitstream, a clock, a kernel table; compiled models export."""

    name = "FPGA"
    rw_defaults = {
        "PERFORMANCE_HINT": "LATENCY",
        "PERF_COUNT": False,
        "FPGA_BITSTREAM": DEFAULT_BITSTREAM,
        "FPGA_CLOCK_MHZ": 300,
    }
    extra_properties = {
        "FPGA_BITSTREAM": PropertySpec(
            "FPGA_BITSTREAM", _bitstream, "one of " + ", ".join(BITSTREAMS)
        ),
        "FPGA_CLOCK_MHZ": PropertySpec("FPGA_CLOCK_MHZ", int_in(50, 600), "an integer from 50 to 600"),
    }

    # ----------------------------------------------------------------- properties
    def bitstream(self, config: dict[str, Any] | None = None) -> Bitstream:
        return BITSTREAMS[(config or self._config)["FPGA_BITSTREAM"]]

    def _read_only(self, key: str) -> Any:
        bitstream = self.bitstream()
        if key == "FULL_DEVICE_NAME":
            return f"pyvino emulated FPGA ({bitstream.name} @ {self._config['FPGA_CLOCK_MHZ']} MHz)"
        if key == "OPTIMIZATION_CAPABILITIES":
            return bitstream.capabilities
        if key == "DEVICE_ARCHITECTURE":
            return f"FPGA:{bitstream.name}"  # part of the model-cache key
        if key == "DEVICE_TYPE":
            return "discrete"
        if key == "RANGE_FOR_ASYNC_INFER_REQUESTS":
            return (1, 4, 1)
        return super()._read_only(key)

    # ----------------------------------------------------------------- what runs here
    def kernels(self) -> dict[tuple[str, str], Kernel]:
        """Kernels extensions contribute for FPGA through ``pyvino_kernels("FPGA")``."""
        if self.core is None:
            return {}
        found = self.core.plugin_manager.kernels(self.name)
        return {key: spec.implementation for key, spec in found.items()}

    def _supports(self, node: Op, config: dict[str, Any]) -> bool:
        if node.type_name == "Constant":
            return True  # weights live in the board's DDR whatever their type
        types = {node.get_output_element_type(p).name for p in range(node.get_output_size())}
        types |= {i.element_type.name for i in node.inputs}
        if not types <= self.bitstream(config).element_types:
            return False
        if node.type_name in ALWAYS:
            return True
        shapes = [i.partial_shape for i in node.inputs]
        shapes += [node.get_output_partial_shape(p) for p in range(node.get_output_size())]
        if not all(s.is_static for s in shapes):
            return False  # kernels are laid out for static shapes
        if (node.type_name, node.version_id) in self.kernels():
            return True
        accepts = ACCEPTS.get(node.type_name, lambda n: True)
        return node.type_name in KERNELS and accepts(node)

    # ----------------------------------------------------------------- compile and import
    def _compile(self, model: Model, config: dict[str, Any]) -> Any:
        from pyvino_fpga._compiled import FPGACompiledModel

        return FPGACompiledModel(model.clone(), config, self.bitstream(config), self.kernels())

    def _import(self, payload: bytes, config: dict[str, Any]) -> Any:
        from pyvino_fpga._export import import_payload

        return import_payload(self, payload, config)
