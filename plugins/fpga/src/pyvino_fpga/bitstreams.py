"""Bitstreams: what the emulated FPGA can be programmed with.

Like the DLA bitstreams OpenVINO's FPGA plugin loaded (``2020-4_PL2_FP16_MobileNet_Clamp``),
a bitstream fixes the datapath precision and the tensor types its ports accept. The
``FPGA_BITSTREAM`` property picks one; ``query_model`` claims only nodes whose every tensor
type the bitstream accepts.
"""

from __future__ import annotations

from dataclasses import dataclass

INDEX_TYPES = frozenset({"i32", "i64"})  # shapes, axes and indices travel as integers


@dataclass(frozen=True)
class Bitstream:
    """``datapath``: precision of the arithmetic; ``element_types``: tensor types accepted."""

    name: str
    datapath: str  # "f32", "f16" or "i8"
    element_types: frozenset[str]
    macs_per_cycle: int

    @property
    def capabilities(self) -> list[str]:
        """OPTIMIZATION_CAPABILITIES as OpenVINO spells them."""
        caps = {"f32": ["FP32"], "f16": ["FP16"], "i8": ["INT8"]}[self.datapath]
        return caps + ["EXPORT_IMPORT"]


BITSTREAMS: dict[str, Bitstream] = {
    b.name: b
    for b in [
        Bitstream("pyvino_fp32_generic", "f32", frozenset({"f32"}) | INDEX_TYPES, 256),
        Bitstream("pyvino_fp16_cnn", "f16", frozenset({"f32", "f16"}) | INDEX_TYPES, 1024),
        Bitstream("pyvino_int8_cnn", "i8", frozenset({"i8", "u8"}) | INDEX_TYPES, 4096),
    ]
}
DEFAULT_BITSTREAM = "pyvino_fp32_generic"
