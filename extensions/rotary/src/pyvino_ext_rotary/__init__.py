"""pyvino-ext-rotary: fused rotary positional embedding (RoPE) as a pyvino custom layer.

Installed, it registers itself through the ``pyvino`` entry point; without installing, pass
``pyvino_ext_rotary.EXTENSION`` to ``Core.add_extension`` or ``convert_model(extension=...)``.
"""

from __future__ import annotations

from pyvino_ext_rotary._plugin import EXTENSION
from pyvino_ext_rotary.onnx import DOMAIN
from pyvino_ext_rotary.ops import RotaryEmbedding1

__all__ = ["DOMAIN", "EXTENSION", "RotaryEmbedding1"]
