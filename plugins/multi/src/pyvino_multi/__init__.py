"""pyvino MULTI meta-device."""

from __future__ import annotations

from pyvino_multi.plugin import MultiPlugin, parse_device_list

__all__ = ["MultiPlugin", "parse_device_list"]
