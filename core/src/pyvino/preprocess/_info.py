"""What the user says about one input or output: its tensor, the model's side, and the steps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from pyvino._errors import PyvinoError
from pyvino._shape import PartialShape
from pyvino._types import Type
from pyvino.preprocess._color import DEFAULT_SUB_NAMES, ColorFormat, planes_count
from pyvino.preprocess._layout import Layout
from pyvino.preprocess._steps import PostProcessSteps, PreProcessSteps


class InputTensorInfo:
    """The user's tensor: ``set_element_type``, ``set_layout``, ``set_shape``, colour, ..."""

    def __init__(self) -> None:
        self.element_type: Type | None = None
        self.layout: Layout | None = None
        self.shape: PartialShape | None = None
        self.spatial: tuple[int, int] | None = None  # (h, w); (-1, -1) for dynamic
        self.color_format = ColorFormat.UNDEFINED
        self.sub_names: tuple[str, ...] = ()
        self.memory_type: str | None = None

    def set_element_type(self, element_type: Any) -> InputTensorInfo:
        self.element_type = Type.get(element_type)
        return self

    def set_layout(self, layout: Layout | str) -> InputTensorInfo:
        self.layout = Layout(layout)
        return self

    def set_shape(self, shape: Any) -> InputTensorInfo:
        self.shape = shape if isinstance(shape, PartialShape) else PartialShape(shape)
        return self

    def set_spatial_dynamic_shape(self) -> InputTensorInfo:
        self.spatial = (-1, -1)
        return self

    def set_spatial_static_shape(self, height: int, width: int) -> InputTensorInfo:
        self.spatial = (int(height), int(width))
        return self

    def set_color_format(self, color_format: ColorFormat,
                         sub_names: Sequence[str] | None = None) -> InputTensorInfo:
        """The tensor's colour format; multi-plane formats get one input per plane, named
        ``<input name>/<sub name>`` (default sub names ``Y``/``UV`` and ``Y``/``U``/``V``)."""
        fmt = ColorFormat(color_format)
        names = tuple(sub_names or ())
        if names and len(names) != planes_count(fmt):
            raise PyvinoError(f"set_color_format({fmt.value}): {len(names)} sub-names given, the "
                              f"format has {planes_count(fmt)} plane(s)")
        self.color_format = fmt
        self.sub_names = names or DEFAULT_SUB_NAMES.get(fmt, ())
        return self

    def set_memory_type(self, memory_type: str) -> InputTensorInfo:
        self.memory_type = memory_type
        return self

    def set_from(self, tensor: Any) -> InputTensorInfo:
        """Element type and shape from an example ``Tensor`` or numpy array."""
        data = np.asarray(getattr(tensor, "data", tensor))
        self.element_type = Type.get(data.dtype)
        self.shape = PartialShape(data.shape)
        return self


class _ModelInfo:
    def __init__(self) -> None:
        self.layout: Layout | None = None

    def set_layout(self, layout: Layout | str) -> Any:
        self.layout = Layout(layout)
        return self


class InputModelInfo(_ModelInfo):
    """The model's side of an input: ``set_layout(Layout("NCHW"))``."""


class OutputModelInfo(_ModelInfo):
    """The model's side of an output: ``set_layout``."""


class OutputTensorInfo:
    """The tensor the user gets: ``set_element_type``, ``set_layout``."""

    def __init__(self) -> None:
        self.element_type: Type | None = None
        self.layout: Layout | None = None

    def set_element_type(self, element_type: Any) -> OutputTensorInfo:
        self.element_type = Type.get(element_type)
        return self

    def set_layout(self, layout: Layout | str) -> OutputTensorInfo:
        self.layout = Layout(layout)
        return self


class InputInfo:
    """``ppp.input(...)``: ``tensor()``, ``model()``, ``preprocess()``."""

    def __init__(self, port: Any) -> None:
        self.port = port
        self._tensor = InputTensorInfo()
        self._model = InputModelInfo()
        self._steps = PreProcessSteps()

    def tensor(self) -> InputTensorInfo:
        return self._tensor

    def model(self) -> InputModelInfo:
        return self._model

    def preprocess(self) -> PreProcessSteps:
        return self._steps


class OutputInfo:
    """``ppp.output(...)``: ``tensor()``, ``model()``, ``postprocess()``."""

    def __init__(self, port: Any) -> None:
        self.port = port
        self._tensor = OutputTensorInfo()
        self._model = OutputModelInfo()
        self._steps = PostProcessSteps()

    def tensor(self) -> OutputTensorInfo:
        return self._tensor

    def model(self) -> OutputModelInfo:
        return self._model

    def postprocess(self) -> PostProcessSteps:
        return self._steps
