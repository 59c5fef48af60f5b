"""Entry point of pyvino-multi."""

from __future__ import annotations

import pyvino


def _make() -> pyvino.DevicePlugin:
    from pyvino_multi.plugin import MultiPlugin

    return MultiPlugin()


@pyvino.hookimpl
def pyvino_devices() -> list[pyvino.DeviceSpec]:
    return [pyvino.DeviceSpec("MULTI", _make, "run one model on several devices in parallel")]
