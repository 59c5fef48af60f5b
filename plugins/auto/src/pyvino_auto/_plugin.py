"""Entry point of pyvino-auto."""

from __future__ import annotations

import pyvino


def _make() -> pyvino.DevicePlugin:
    from pyvino_auto.plugin import AutoPlugin

    return AutoPlugin()


@pyvino.hookimpl
def pyvino_devices() -> list[pyvino.DeviceSpec]:
    return [pyvino.DeviceSpec("AUTO", _make, "automatic device selection")]
