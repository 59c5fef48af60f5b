"""SSD post-processing: DetectionOutput-1 and DetectionOutput-8."""

from __future__ import annotations

import numpy as np
from pyvino import BOOL, FLOAT, INT, INTS, Attr, Dimension, Op, PartialShape, Type, enum

from pyvino_opsets._common import merge_types, mul_dims
from pyvino_opsets._detection_output import detection_output

_COMMON_ATTRS = (
    Attr("background_label_id", INT, 0),
    Attr("top_k", INT, -1),
    Attr("variance_encoded_in_target", BOOL, False),
    Attr("keep_top_k", INTS),
    Attr(
        "code_type",
        enum("caffe.PriorBoxParameter.CORNER", "caffe.PriorBoxParameter.CENTER_SIZE"),
        "caffe.PriorBoxParameter.CORNER",
    ),
    Attr("share_location", BOOL, True),
    Attr("nms_threshold", FLOAT),
    Attr("confidence_threshold", FLOAT, 0.0),
    Attr("clip_after_nms", BOOL, False),
    Attr("clip_before_nms", BOOL, False),
    Attr("decrease_label_id", BOOL, False),
    Attr("normalized", BOOL, False),
    Attr("input_height", INT, 1),
    Attr("input_width", INT, 1),
    Attr("objectness_score", FLOAT, 0.0),
)


class DetectionOutput8(Op):
    """Decode box predictions (input 1) against priors (input 3), run NMS per class on the
    confidences (input 2) and return ``[1, 1, rows, 7]`` detections
    ``[image, label, score, xmin, ymin, xmax, ymax]``; inputs 4 and 5 add RefineDet-style
    objectness and prior refinement. The class count comes from the confidence shape."""

    type_name = "DetectionOutput"
    version_id = "opset8"
    num_inputs = (3, 5)
    attributes = _COMMON_ATTRS

    def _num_classes(self, conf: PartialShape, num_priors: Dimension | None) -> Dimension:
        if num_priors is None or not num_priors.is_static or not conf.rank_is_static:
            return Dimension()
        if not conf[1].is_static or num_priors.min == 0:
            return Dimension()
        return Dimension(conf[1].min // num_priors.min)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        if len(self.inputs) == 4:
            raise self.fail("expected 3 or 5 inputs: the additional predictions come in pairs")
        t = merge_types(*(self.input_type(i) for i in range(len(self.inputs))))
        if t is not Type.dynamic and not t.is_real:
            raise self.fail(f"inputs must have a floating-point type, got {t.name}")
        if not self.attrs["keep_top_k"]:
            raise self.fail("attribute 'keep_top_k' must hold at least one value")
        loc, conf, priors = (self.input_shape(i) for i in range(3))
        for shape, rank, name in (
            (loc, 2, "box logits"),
            (conf, 2, "class predictions"),
            (priors, 3, "proposals"),
        ):
            if shape.rank_is_static and len(shape) != rank:
                raise self.fail(f"{name} must have rank {rank}, got shape {shape}")
        prior_size = 4 if self.attrs["normalized"] else 5
        num_priors = None
        if priors.rank_is_static and priors[2].is_static:
            if priors[2].min % prior_size:
                raise self.fail(
                    f"proposals last dimension {priors[2]} is not a multiple of {prior_size}"
                )
            num_priors = Dimension(priors[2].min // prior_size)
        num_classes = self._num_classes(conf, num_priors)
        batch = loc[0] if loc.rank_is_static else Dimension()
        keep, top_k = self.attrs["keep_top_k"][0], self.attrs["top_k"]
        if keep > 0:
            rows = mul_dims(batch, Dimension(keep))
        elif top_k > 0:
            rows = mul_dims(mul_dims(batch, Dimension(top_k)), num_classes)
        else:
            rows = mul_dims(mul_dims(batch, num_classes), num_priors or Dimension())
        return [(t, PartialShape([1, 1, rows, 7]))]

    def num_classes(self, conf: np.ndarray, priors: np.ndarray) -> int:
        prior_size = 4 if self.attrs["normalized"] else 5
        return conf.shape[1] // (priors.shape[2] // prior_size)

    def evaluate(
        self, loc: np.ndarray, conf: np.ndarray, priors: np.ndarray, *arm: np.ndarray
    ) -> tuple:
        classes = self.num_classes(conf, priors)
        keep, top_k = self.attrs["keep_top_k"][0], self.attrs["top_k"]
        prior_size = 4 if self.attrs["normalized"] else 5
        if keep > 0:
            rows = loc.shape[0] * keep
        elif top_k > 0:
            rows = loc.shape[0] * top_k * classes
        else:
            rows = loc.shape[0] * classes * (priors.shape[2] // prior_size)
        arm_conf, arm_loc = (arm[0], arm[1]) if len(arm) == 2 else (None, None)
        out = detection_output(loc, conf, priors, arm_conf, arm_loc, self.attrs, classes, rows)
        return (out.astype(loc.dtype),)


class DetectionOutput1(DetectionOutput8):
    """DetectionOutput-1: the class count is the ``num_classes`` attribute."""

    version_id = "opset1"
    attributes = (Attr("num_classes", INT),) + _COMMON_ATTRS

    def _num_classes(self, conf: PartialShape, num_priors: Dimension | None) -> Dimension:
        return Dimension(self.attrs["num_classes"])

    def num_classes(self, conf: np.ndarray, priors: np.ndarray) -> int:
        return self.attrs["num_classes"]


OPS = [DetectionOutput1, DetectionOutput8]
