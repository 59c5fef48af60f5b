"""ONNX converter for the custom domain ``com.pyvino.rotary``: a 1:1 mapping to our op.

``com.pyvino.rotary.RotaryEmbedding(x, cos, sin)`` or ``(x, position_ids)`` with attributes
``rotary_dim`` (int, 0 = all features) and ``base`` (float, 10000).
"""

from __future__ import annotations

from pyvino import OnnxConverterSpec, onnx_op_mapping

from pyvino_ext_rotary.ops import RotaryEmbedding1

DOMAIN = "com.pyvino.rotary"

CONVERTERS: list[OnnxConverterSpec] = [
    onnx_op_mapping(
        DOMAIN, "RotaryEmbedding", RotaryEmbedding1, {"rotary_dim": "rotary_dim", "base": "base"}
    ),
]
