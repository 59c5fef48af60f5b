"""The ``pyvino`` entry point of pyvino-fpga: registers the ``FPGA`` device.

Keep this module cheap to import: the plugin class is imported when a Core first uses FPGA.
"""

from __future__ import annotations

import pyvino


def _make_plugin() -> pyvino.DevicePlugin:
    from pyvino_fpga.plugin import FPGAPlugin

    return FPGAPlugin()


@pyvino.hookimpl
def pyvino_devices() -> list[pyvino.DeviceSpec]:
    return [pyvino.DeviceSpec("FPGA", _make_plugin, "an emulated FPGA accelerator (template)")]
