"""Colour formats and their conversions, built from basic ops so that every device runs them.

YUV (NV12, I420) to RGB/BGR follows OpenVINO's ``NV12toRGB`` / ``I420toRGB`` (BT.601, video
range): ``R = 1.164 (Y-16) + 1.596 (V-128)``, ``G = 1.164 (Y-16) - 0.391 (U-128) - 0.813
(V-128)``, ``B = 1.164 (Y-16) + 2.018 (U-128)``, clipped to [0, 255] (and rounded for integer
types). Chroma planes are upsampled 2x by Unsqueeze + Concat + Reshape (nearest, as the op).
Every image here is NHWC.
"""

from __future__ import annotations

import enum

import numpy as np

from pyvino._errors import PyvinoError
from pyvino._node import Output
from pyvino._shape import Dimension, PartialShape
from pyvino._types import Type
from pyvino.preprocess._layout import Layout, find_permutation
from pyvino.preprocess._ops import const, convert, i64, ops, slice_axis, transpose


class ColorFormat(enum.Enum):
    """Colour formats of ``InputTensorInfo.set_color_format`` and ``convert_color``."""

    UNDEFINED = "UNDEFINED"
    NV12_SINGLE_PLANE = "NV12 (single plane)"
    NV12_TWO_PLANES = "NV12 (multi-plane)"
    I420_SINGLE_PLANE = "I420 (single plane)"
    I420_THREE_PLANES = "I420 (multi-plane)"
    RGB = "RGB"
    BGR = "BGR"
    GRAY = "GRAY"
    RGBX = "RGBX"
    BGRX = "BGRX"


YUV_FORMATS = (ColorFormat.NV12_SINGLE_PLANE, ColorFormat.NV12_TWO_PLANES,
               ColorFormat.I420_SINGLE_PLANE, ColorFormat.I420_THREE_PLANES)
DEFAULT_SUB_NAMES = {ColorFormat.NV12_TWO_PLANES: ("Y", "UV"),
                     ColorFormat.I420_THREE_PLANES: ("Y", "U", "V")}


def planes_count(fmt: ColorFormat) -> int:
    return len(DEFAULT_SUB_NAMES.get(fmt, ("",)))


def default_layout(fmt: ColorFormat) -> Layout:
    return Layout() if fmt in (ColorFormat.UNDEFINED, ColorFormat.GRAY) else Layout("NHWC")


def _half(d: Dimension) -> Dimension:
    return Dimension(d.min // 2) if d.is_static else d


def plane_shape(fmt: ColorFormat, plane: int, image: PartialShape, layout: Layout) -> PartialShape:
    """The user's tensor shape of ``plane`` for an image of shape ``image`` (as OpenVINO)."""
    if not image.rank_is_static:
        return image
    dims = list(image)
    if fmt in (ColorFormat.RGB, ColorFormat.BGR) and layout.has_name("C"):
        dims[layout.index_in("C", len(dims)) or 0] = Dimension(3)
        return PartialShape(dims)
    if len(dims) != 4 or fmt in (ColorFormat.UNDEFINED, ColorFormat.GRAY):
        return image
    if fmt in (ColorFormat.RGBX, ColorFormat.BGRX):
        dims[3] = Dimension(4)
    elif fmt in (ColorFormat.NV12_SINGLE_PLANE, ColorFormat.I420_SINGLE_PLANE):
        dims[3] = Dimension(1)
        if dims[1].is_static:
            dims[1] = Dimension(dims[1].min * 3 // 2)
    elif fmt is ColorFormat.NV12_TWO_PLANES:
        dims[3] = Dimension(1 if plane == 0 else 2)
        if plane:
            dims[1], dims[2] = _half(dims[1]), _half(dims[2])
    elif fmt is ColorFormat.I420_THREE_PLANES:
        dims[3] = Dimension(1)
        if plane:
            dims[1], dims[2] = _half(dims[1]), _half(dims[2])
    return PartialShape(dims)


# ---------------------------------------------------------------------- YUV -> RGB
def _upsample2(x: Output, full: Output) -> Output:
    """``x`` [N,h,w,c] -> [N,2h,2w,c], each pixel repeated 2x2 (``full`` is the Y plane).

    Static planes: Unsqueeze + Concat + Reshape; dynamic ones: Interpolate (nearest, floor of
    ``x / 2``), which keeps the known dimensions known.
    """
    b = ops()
    dims = list(full.partial_shape)[:3]
    if not all(d.is_static for d in dims):
        node = b.interpolate(x, const([2.0, 2.0], Type.f32), i64([1, 2]), mode="nearest",
                             shape_calculation_mode="scales", nearest_mode="floor",
                             coordinate_transformation_mode="asymmetric")
        return node.output(0)
    c = x.partial_shape[3].get_length()
    y = b.unsqueeze(x, i64([2, 4])).output(0)          # [N,h,1,w,1,c]
    y = b.concat(y, y, axis=4).output(0)               # [N,h,1,w,2,c]
    y = b.concat(y, y, axis=2).output(0)               # [N,h,2,w,2,c]
    target = i64([d.get_length() for d in dims] + [c])
    return b.reshape(y, target, special_zero=False).output(0)


def yuv_to_rgb(y: Output, u: Output, v: Output, bgr: bool) -> Output:
    """Full-resolution Y, U, V planes ([N,H,W,1]) -> [N,H,W,3] RGB (or BGR) of Y's type."""
    b = ops()
    t = y.element_type
    yf, uf, vf = (convert(p, Type.f32) for p in (y, u, v))

    def sub(a: Output, k: float) -> Output:
        return b.subtract(a, const([k], Type.f32)).output(0)

    def mul(a: Output, k: float) -> Output:
        return b.multiply(a, const([k], Type.f32)).output(0)

    c, d, e = sub(yf, 16.0), sub(uf, 128.0), sub(vf, 128.0)
    yc = mul(c, 1.164)
    r = b.add(yc, mul(e, 1.596)).output(0)
    g = b.subtract(b.subtract(yc, mul(d, 0.391)), mul(e, 0.813)).output(0)
    bl = b.add(yc, mul(d, 2.018)).output(0)
    rgb = b.concat(*([bl, g, r] if bgr else [r, g, bl]), axis=3).output(0)
    if t.is_integral:
        rgb = b.round(rgb, mode="half_away_from_zero").output(0)
    rgb = b.clamp(rgb, min=0.0, max=255.0).output(0)
    return convert(rgb, t)


def _static_hw(x: Output, what: str) -> tuple[int, int]:
    s = x.partial_shape
    if not s.rank_is_static or len(s) != 4 or not (s[1].is_static and s[2].is_static):
        raise PyvinoError(f"{what} needs a static [N,H,W,1] shape, got {s}")
    return s[1].get_length(), s[2].get_length()


def _split_flat(x: Output, what: str, parts: list[tuple[int, list[int]]]) -> list[Output]:
    """Cut a single-plane image into consecutive planes of the given sizes and shapes."""
    b = ops()
    flat = b.reshape(x, i64([0, -1]), special_zero=True).output(0)
    planes, start = [], 0
    for size, shape in parts:
        piece = slice_axis(flat, start, start + size, 1)
        planes.append(b.reshape(piece, i64([0, *shape]), special_zero=True).output(0))
        start += size
    return planes


def nv12_to_rgb(planes: list[Output], bgr: bool) -> Output:
    """NV12 as one plane [N,1.5H,W,1] or two (Y [N,H,W,1], UV [N,H/2,W/2,2])."""
    if len(planes) == 1:
        h15, w = _static_hw(planes[0], "NV12 single plane")
        h = h15 * 2 // 3
        parts = [(h * w, [h, w, 1]), (h * w // 2, [h // 2, w // 2, 2])]
        y, uv = _split_flat(planes[0], "NV12", parts)
    else:
        y, uv = planes
    up = _upsample2(uv, y)
    return yuv_to_rgb(y, slice_axis(up, 0, 1, 3), slice_axis(up, 1, 2, 3), bgr)


def i420_to_rgb(planes: list[Output], bgr: bool) -> Output:
    """I420 as one plane [N,1.5H,W,1] or three (Y [N,H,W,1], U and V [N,H/2,W/2,1])."""
    if len(planes) == 1:
        h15, w = _static_hw(planes[0], "I420 single plane")
        h = h15 * 2 // 3
        q = (h // 2) * (w // 2)
        y, u, v = _split_flat(planes[0], "I420", [(h * w, [h, w, 1]), (q, [h // 2, w // 2, 1]),
                                                   (q, [h // 2, w // 2, 1])])
    else:
        y, u, v = planes
    return yuv_to_rgb(y, _upsample2(u, y), _upsample2(v, y), bgr)


# ---------------------------------------------------------------------- RGB family
def reverse_channels(x: Output, layout: Layout) -> Output:
    """Gather the channel axis in reverse order (RGB <-> BGR)."""
    if not layout.has_name("C"):
        raise PyvinoError(f"layout {layout.to_string() or '<empty>'} has no 'C' (channels) "
                          "dimension; set_layout on the tensor or model first")
    b = ops()
    shape = x.partial_shape
    axis = layout.index_in("C", len(shape))
    dim = shape[axis]
    if dim.is_static:
        indices = const(np.arange(dim.get_length() - 1, -1, -1), Type.i32)
    else:
        count = b.gather(b.shape_of(x), const(axis, Type.i32), const(0, Type.i32))
        start = b.add(count, const(-1, Type.i64))
        indices = b.range(start, const(-1, Type.i64), const(-1, Type.i64),
                          output_type=Type.i32).output(0)
    return b.gather(x, indices, const([axis], Type.i32)).output(0)


def cut_last_channel(x: Output, layout: Layout) -> Output:
    """RGBX/BGRX -> RGB/BGR: drop the fourth channel."""
    axis = layout.index_in("C", len(x.partial_shape))
    return slice_axis(x, 0, 3, 3 if axis is None else axis)


def rgb_to_gray(x: Output, layout: Layout, bgr: bool) -> Output:
    """A 1x1 Convolution with OpenCV's luma weights, as OpenVINO builds it."""
    b = ops()
    rank = len(x.partial_shape)
    if rank != 4:
        raise PyvinoError(f"RGB -> GRAY needs a rank-4 image, got {x.partial_shape}")
    t = x.element_type
    perm = find_permutation(layout, rank, Layout("NC..."))
    node = transpose(x, perm) if perm else x
    node = convert(node, Type.f32)
    w = [0.114, 0.587, 0.299] if bgr else [0.299, 0.587, 0.114]
    weights = const(np.asarray(w, np.float32).reshape(1, 3, 1, 1), Type.f32)
    node = b.convolution(node, weights, strides=[1, 1], dilations=[1, 1], pads_begin=[0, 0],
                         pads_end=[0, 0]).output(0)
    if t.is_integral:
        node = convert(b.round(node, mode="half_to_even").output(0), t)
    else:
        node = convert(node, t)
    if perm:
        node = transpose(node, find_permutation(Layout("NC..."), rank, layout) or [])
    return node
