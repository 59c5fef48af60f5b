"""Region and anchor ops: ROIAlign-3/9, PriorBox-1/8 and PriorBoxClustered-1."""

from __future__ import annotations

import math

import numpy as np
from pyvino import BOOL, FLOAT, FLOATS, INT, Attr, Dimension, Op, PartialShape, Type, enum

from pyvino_opsets import _priors
from pyvino_opsets._common import merge_types, require_integer_type, scalar_or_1d_value

F32 = np.float32


# ----------------------------------------------------------------------------------- ROIAlign
class ROIAlign3(Op):
    """Pool each box (input 2, ``[x1, y1, x2, y2]``) of the feature map picked by input 3 into
    ``pooled_h x pooled_w`` bins; each bin averages (or maxes) bilinear samples on a regular grid."""

    type_name = "ROIAlign"
    version_id = "opset3"
    num_inputs = 3
    attributes = (
        Attr("pooled_h", INT),
        Attr("pooled_w", INT),
        Attr("sampling_ratio", INT),
        Attr("spatial_scale", FLOAT),
        Attr("mode", enum("avg", "max")),
    )

    def aligned_mode(self) -> str:
        return "asymmetric"

    def infer(self) -> list[tuple[Type, PartialShape]]:
        t = merge_types(self.input_type(0), self.input_type(1))
        require_integer_type(self.input_type(2), "batch_indices (input 2)")
        for name in ("pooled_h", "pooled_w"):
            if self.attrs[name] <= 0:
                raise self.fail(f"attribute {name!r} must be positive, got {self.attrs[name]}")
        if self.attrs["sampling_ratio"] < 0:
            raise self.fail(
                f"attribute 'sampling_ratio' must be >= 0, got {self.attrs['sampling_ratio']}"
            )
        data, rois, idx = self.input_shape(0), self.input_shape(1), self.input_shape(2)
        for shape, rank, name in ((data, 4, "data"), (rois, 2, "rois"), (idx, 1, "batch_indices")):
            if shape.rank_is_static and len(shape) != rank:
                raise self.fail(f"{name} must have rank {rank}, got shape {shape}")
        if rois.rank_is_static and not rois[1].compatible(4):
            raise self.fail(f"rois must have shape [NUM_ROIS, 4], got {rois}")
        num = rois[0] if rois.rank_is_static else Dimension()
        if idx.rank_is_static:
            if not num.compatible(idx[0]):
                raise self.fail(f"rois {rois} and batch_indices {idx} disagree on NUM_ROIS")
            num = num.merge(idx[0])
        channels = data[1] if data.rank_is_static else Dimension()
        return [(t, PartialShape([num, channels, self.attrs["pooled_h"], self.attrs["pooled_w"]]))]

    def evaluate(
        self, data: np.ndarray, rois: np.ndarray, batch: np.ndarray
    ) -> tuple[np.ndarray, ...]:
        ph, pw = self.attrs["pooled_h"], self.attrs["pooled_w"]
        out = np.zeros((rois.shape[0], data.shape[1], ph, pw), dtype=np.float32)
        mode = self.aligned_mode()
        src = F32(0.5) if mode == "half_pixel" else F32(0)
        dst = F32(-0.5) if mode != "asymmetric" else F32(0)
        scale = F32(self.attrs["spatial_scale"])
        corners = (rois.astype(F32) + src) * scale + dst
        maps = data.astype(F32, copy=False)
        for r, (x1, y1, x2, y2) in enumerate(corners):
            w, h = x2 - x1, y2 - y1
            if mode == "asymmetric":
                w, h = max(w, F32(1)), max(h, F32(1))
            ys, wy, ylo, yhi = self._axis_samples(y1, h, ph, data.shape[2])
            xs, wx, xlo, xhi = self._axis_samples(x1, w, pw, data.shape[3])
            if ys is None or xs is None:
                continue
            fm = maps[int(batch[r])]
            part = (
                wy[0][:, None] * wx[0] * fm[:, ylo][:, :, xlo]
                + wy[0][:, None] * wx[1] * fm[:, ylo][:, :, xhi]
                + wy[1][:, None] * wx[0] * fm[:, yhi][:, :, xlo]
                + wy[1][:, None] * wx[1] * fm[:, yhi][:, :, xhi]
            )  # [C, ph * sy, pw * sx]
            part = part.reshape(data.shape[1], ph, ys, pw, xs)
            if self.attrs["mode"] == "avg":
                out[r] = part.sum(axis=(2, 4)) / F32(ys * xs)
            else:
                out[r] = np.maximum(part.max(axis=(2, 4)), F32(0))  # OpenVINO starts the max at 0
        return (out.astype(data.dtype),)

    def _axis_samples(self, start: F32, size: F32, bins: int, length: int) -> tuple:
        """Samples per bin, (low, high) weights and (low, high) indices of one axis, flattened."""
        bin_size = size / F32(bins)
        ratio = self.attrs["sampling_ratio"] or int(math.ceil(bin_size))
        if ratio <= 0:
            return None, None, None, None
        step = bin_size / F32(ratio)
        grid = np.arange(bins, dtype=F32)[:, None] * bin_size
        pos = (start + grid + step * (np.arange(ratio, dtype=F32) + F32(0.5))).reshape(-1)
        valid = (pos >= -1) & (pos <= length)
        pos = np.maximum(pos, F32(0))
        low = pos.astype(np.int64)
        edge = low >= length - 1
        low = np.where(edge, length - 1, low)
        high = np.where(edge, low, low + 1)
        pos = np.where(edge, low.astype(F32), pos)
        frac = pos - low.astype(F32)
        weights = (np.where(valid, F32(1) - frac, F32(0)), np.where(valid, frac, F32(0)))
        return ratio, weights, low, high


class ROIAlign9(ROIAlign3):
    """ROIAlign-9: adds ``aligned_mode`` (asymmetric, half_pixel_for_nn, half_pixel)."""

    version_id = "opset9"
    attributes = ROIAlign3.attributes + (
        Attr("aligned_mode", enum("asymmetric", "half_pixel_for_nn", "half_pixel"), "asymmetric"),
    )

    def aligned_mode(self) -> str:
        return self.attrs["aligned_mode"]


# --------------------------------------------------------------------------------- PriorBoxes
class _PriorBase(Op):
    """Shared checks of the prior-box generators: two 1D ``[height, width]`` integer inputs."""

    num_inputs = 2

    def priors_per_cell(self) -> int:
        raise NotImplementedError

    def infer(self) -> list[tuple[Type, PartialShape]]:
        for i, name in ((0, "output_size"), (1, "image_size")):
            require_integer_type(self.input_type(i), f"{name} (input {i})")
            shape = self.input_shape(i)
            if shape.rank_is_static and (len(shape) != 1 or not shape[0].compatible(2)):
                raise self.fail(
                    f"{name} (input {i}) must be a 1D tensor of 2 elements, got {shape}"
                )
        variance = self.attrs["variance"]
        if len(variance) not in (0, 1, 4):
            raise self.fail(f"attribute 'variance' must hold 0, 1 or 4 values, got {len(variance)}")
        size = scalar_or_1d_value(self.input_value(0))
        if size is None:
            return [(Type.f32, PartialShape([2, Dimension()]))]
        return [(Type.f32, PartialShape([2, 4 * size[0] * size[1] * self.priors_per_cell()]))]


class PriorBox1(_PriorBase):
    """SSD prior boxes for each cell of an ``output_size`` grid over an ``image_size`` image:
    ``[2, 4 * H * W * priors]`` with normalised ``[xmin, ymin, xmax, ymax]`` then variances."""

    type_name = "PriorBox"
    version_id = "opset1"
    attributes = (
        Attr("min_size", FLOATS, ()),
        Attr("max_size", FLOATS, ()),
        Attr("aspect_ratio", FLOATS, ()),
        Attr("flip", BOOL, False),
        Attr("clip", BOOL, False),
        Attr("step", FLOAT, 0.0),
        Attr("offset", FLOAT),
        Attr("variance", FLOATS, ()),
        Attr("scale_all_sizes", BOOL, True),
        Attr("fixed_ratio", FLOATS, ()),
        Attr("fixed_size", FLOATS, ()),
        Attr("density", FLOATS, ()),
    )

    def priors_per_cell(self) -> int:
        return _priors.number_of_priors(self.attrs)

    def evaluate(self, size: np.ndarray, image: np.ndarray) -> tuple[np.ndarray, ...]:
        (h, w), (ih, iw) = (int(v) for v in size[:2]), (int(v) for v in image[:2])
        return (_priors.prior_box(self.attrs, h, w, ih, iw),)


class PriorBox8(PriorBox1):
    """PriorBox-8: adds ``min_max_aspect_ratios_order`` (false: min, aspect ratios, then max)."""

    version_id = "opset8"
    attributes = PriorBox1.attributes + (Attr("min_max_aspect_ratios_order", BOOL, True),)


class PriorBoxClustered1(_PriorBase):
    """Prior boxes of explicit ``width`` x ``height`` sizes centred on each grid cell."""

    type_name = "PriorBoxClustered"
    version_id = "opset1"
    attributes = (
        Attr("width", FLOATS, ()),
        Attr("height", FLOATS, ()),
        Attr("clip", BOOL, True),
        Attr("step", FLOAT, 0.0),
        Attr("step_w", FLOAT, 0.0),
        Attr("step_h", FLOAT, 0.0),
        Attr("offset", FLOAT),
        Attr("variance", FLOATS, ()),
    )

    def priors_per_cell(self) -> int:
        if len(self.attrs["width"]) != len(self.attrs["height"]):
            raise self.fail("attributes 'width' and 'height' must have the same number of values")
        return len(self.attrs["width"])

    def evaluate(self, size: np.ndarray, image: np.ndarray) -> tuple[np.ndarray, ...]:
        (h, w), (ih, iw) = (int(v) for v in size[:2]), (int(v) for v in image[:2])
        return (_priors.prior_box_clustered(self.attrs, h, w, ih, iw),)


OPS = [ROIAlign3, ROIAlign9, PriorBox1, PriorBox8, PriorBoxClustered1]
