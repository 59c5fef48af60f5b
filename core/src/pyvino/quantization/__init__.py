"""Post-training INT8 quantization (``pyvino.quantize``), in the manner of NNCF / POT.

Calibration runs the fp32 model on a dataset (CPU by default) with extra outputs on the
tensors to quantize, estimates their ranges (min-max or percentile), and inserts FakeQuantize
ops (256 levels on activations, 255 symmetric per-output-channel on weights) on the inputs of
Convolution, GroupConvolution and MatMul. Weights are stored as i8 with a decompression
Convert and Multiply so the IR's ``.bin`` is about 4x smaller than fp32.
"""

from __future__ import annotations

from pyvino.quantization._dataset import Dataset
from pyvino.quantization._evaluate import ComparisonReport, compare_models
from pyvino.quantization._quantize import quantize
from pyvino.quantization._targets import IgnoredScope

__all__ = ["ComparisonReport", "Dataset", "IgnoredScope", "compare_models", "quantize"]
