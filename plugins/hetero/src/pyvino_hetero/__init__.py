"""pyvino HETERO meta-device."""

from __future__ import annotations

from pyvino_hetero.plugin import HeteroPlugin, dump_dot

__all__ = ["HeteroPlugin", "dump_dot"]
