"""pyvino-fpga: an emulated FPGA accelerator, the template for third-party device plugins.

Built only on pyvino's public API; ``docs/writing-a-device-plugin.md`` walks through every file.
"""

from __future__ import annotations

from pyvino_fpga.bitstreams import BITSTREAMS, Bitstream

__all__ = ["BITSTREAMS", "Bitstream", "FPGAPlugin"]


def __getattr__(name: str) -> object:
    if name == "FPGAPlugin":
        from pyvino_fpga.plugin import FPGAPlugin

        return FPGAPlugin
    raise AttributeError(name)
