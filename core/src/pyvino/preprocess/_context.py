"""Shared step records: the resize/padding enums, the step ``Context`` and ``Step``."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field

from pyvino._errors import PyvinoError
from pyvino._node import Output
from pyvino._shape import PartialShape
from pyvino._types import Type
from pyvino.preprocess._color import ColorFormat
from pyvino.preprocess._layout import Layout


class ResizeAlgorithm(enum.Enum):
    """Interpolation of ``PreProcessSteps.resize`` (Interpolate-11 modes)."""

    RESIZE_LINEAR = "linear"
    RESIZE_CUBIC = "cubic"
    RESIZE_NEAREST = "nearest"
    RESIZE_BILINEAR_PILLOW = "bilinear_pillow"
    RESIZE_BICUBIC_PILLOW = "bicubic_pillow"


class PaddingMode(enum.Enum):
    CONSTANT = "constant"
    EDGE = "edge"
    REFLECT = "reflect"
    SYMMETRIC = "symmetric"


@dataclass
class Context:
    """What a step sees: the current layout and colour, and the model's side of the input."""

    layout: Layout
    color_format: ColorFormat = ColorFormat.UNDEFINED
    target_layout: Layout = field(default_factory=Layout)
    model_shape: PartialShape = field(default_factory=lambda: PartialShape(None))
    target_element_type: Type = Type.dynamic

    def model_dim(self, name: str) -> int:
        """A static dimension of the model's input by layout name (resize targets)."""
        if not self.target_layout.has_name(name) or not self.model_shape.rank_is_static:
            raise PyvinoError(f"resize to the model's size needs the model layout with {name!r} "
                              "(ppp.input().model().set_layout(Layout('NCHW')))")
        d = self.model_shape[self.target_layout.index_in(name, len(self.model_shape))]
        if not d.is_static:
            raise PyvinoError(f"resize: the model's {name} dimension is dynamic ({d}); give "
                              "the target size: resize(alg, height, width)")
        return d.get_length()


Action = Callable[[list[Output], Context], list[Output]]


@dataclass(frozen=True)
class Step:
    name: str
    run: Action
