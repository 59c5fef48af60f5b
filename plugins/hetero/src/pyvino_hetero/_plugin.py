"""Entry point of pyvino-hetero."""

from __future__ import annotations

import pyvino


def _make() -> pyvino.DevicePlugin:
    from pyvino_hetero.plugin import HeteroPlugin

    return HeteroPlugin()


@pyvino.hookimpl
def pyvino_devices() -> list[pyvino.DeviceSpec]:
    return [pyvino.DeviceSpec("HETERO", _make, "split a model across devices")]
