"""pyvino-ext-fft: complex multiply, FFT and IFFT as pyvino custom layers.

Installed, it registers itself through the ``pyvino`` entry point; without installing, pass
``pyvino_ext_fft.EXTENSION`` to ``Core.add_extension`` or ``convert_model(extension=...)``.
"""

from __future__ import annotations

from pyvino_ext_fft._plugin import EXTENSION
from pyvino_ext_fft.onnx import DOMAIN
from pyvino_ext_fft.ops import FFT1, IFFT1, ComplexMultiply1

__all__ = ["DOMAIN", "EXTENSION", "FFT1", "IFFT1", "ComplexMultiply1"]
