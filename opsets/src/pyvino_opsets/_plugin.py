"""Entry point of pyvino-opsets: contributes opset1..opset15."""

from __future__ import annotations

import pyvino


@pyvino.hookimpl
def pyvino_opsets() -> list[pyvino.Opset]:
    from pyvino_opsets import OPSETS

    return list(OPSETS)
