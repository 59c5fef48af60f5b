"""The shared device conformance suite (pyvino.testing), on GPU at f32.

f16 is covered by this folder's own kernel and model tests (the ``precision`` fixture); running
every op case twice would double the suite's PoCL compile time.
"""

from __future__ import annotations

from pyvino.testing import DeviceConformance


class TestGPUConformance(DeviceConformance):
    device = "GPU"
    precision = "f32"
    config = {"INFERENCE_PRECISION_HINT": "f32"}
