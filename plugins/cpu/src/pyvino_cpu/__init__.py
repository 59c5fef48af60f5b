"""pyvino CPU device plugin. The plugin class loads on first use (see ``_plugin.py``)."""

from __future__ import annotations

__all__ = ["CPUPlugin"]


def __getattr__(name: str) -> object:
    if name == "CPUPlugin":
        from pyvino_cpu.plugin import CPUPlugin

        return CPUPlugin
    raise AttributeError(name)
