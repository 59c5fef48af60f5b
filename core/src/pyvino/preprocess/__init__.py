"""Pre- and post-processing built into the model as ops (``openvino.preprocess``).

``PrePostProcessor(model)`` describes the user's tensors (element type, layout, shape, colour
format with NV12/I420 planes) and the steps (convert type/colour/layout, resize, mean, scale,
reverse channels, crop, pad, custom); ``build()`` inserts real ops (Convert, Gather,
Interpolate, Subtract, Divide, Transpose, Slice, Pad, ...) so that every device runs them.
"""

from __future__ import annotations

from pyvino.preprocess._color import ColorFormat
from pyvino.preprocess._context import PaddingMode, ResizeAlgorithm
from pyvino.preprocess._info import (
    InputInfo,
    InputModelInfo,
    InputTensorInfo,
    OutputInfo,
    OutputModelInfo,
    OutputTensorInfo,
)
from pyvino.preprocess._layout import Layout, get_layout, set_layout
from pyvino.preprocess._processor import PrePostProcessor
from pyvino.preprocess._steps import PostProcessSteps, PreProcessSteps

__all__ = [
    "ColorFormat",
    "InputInfo",
    "InputModelInfo",
    "InputTensorInfo",
    "Layout",
    "OutputInfo",
    "OutputModelInfo",
    "OutputTensorInfo",
    "PaddingMode",
    "PostProcessSteps",
    "PrePostProcessor",
    "PreProcessSteps",
    "ResizeAlgorithm",
    "get_layout",
    "set_layout",
]
