"""ONNX converters for the custom domain ``com.pyvino.fft``: each node maps 1:1 to our op.

``com.pyvino.fft.ComplexMultiply(a, b)``, ``FFT(x, axis=-1, norm="backward")`` and
``IFFT(x, axis=-1, norm="backward")``, on tensors of (real, imaginary) pairs.
"""

from __future__ import annotations

from pyvino import OnnxConverterSpec, onnx_op_mapping

from pyvino_ext_fft.ops import FFT1, IFFT1, ComplexMultiply1

DOMAIN = "com.pyvino.fft"
_TRANSFORM_ATTRS = {"axis": "axis", "norm": "norm"}

CONVERTERS: list[OnnxConverterSpec] = [
    onnx_op_mapping(DOMAIN, "ComplexMultiply", ComplexMultiply1),
    onnx_op_mapping(DOMAIN, "FFT", FFT1, _TRANSFORM_ATTRS),
    onnx_op_mapping(DOMAIN, "IFFT", IFFT1, _TRANSFORM_ATTRS),
]
