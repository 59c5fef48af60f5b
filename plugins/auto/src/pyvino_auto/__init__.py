"""pyvino AUTO meta-device."""

from __future__ import annotations

from pyvino_auto.plugin import AutoPlugin, model_precision

__all__ = ["AutoPlugin", "model_precision"]
