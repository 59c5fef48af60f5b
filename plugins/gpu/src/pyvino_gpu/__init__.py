"""pyvino GPU device plugin (OpenCL). The plugin class loads on first use (see ``_plugin.py``)."""

from __future__ import annotations

__all__ = ["GPUPlugin"]


def __getattr__(name: str) -> object:
    if name == "GPUPlugin":
        from pyvino_gpu.plugin import GPUPlugin

        return GPUPlugin
    raise AttributeError(name)
