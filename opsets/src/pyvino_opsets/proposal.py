"""Region proposals (Faster R-CNN RPN): Proposal-1 and Proposal-4.

Anchors are enumerated for every feature-map cell at once; the greedy NMS walks the
``pre_nms_topn`` best boxes and drops, per kept box, every later box overlapping it too much.
"""

from __future__ import annotations

import numpy as np
from pyvino import BOOL, FLOAT, FLOATS, INT, STR, Attr, Dimension, Op, PartialShape, Type

from pyvino_opsets._common import merge_types, mul_dims

F32 = np.float32


def generate_anchors(attrs: dict) -> np.ndarray:
    """``[K, 4]`` anchors (x0, y0, x1, y1) around the first cell, ratio-major then scale."""
    tf = attrs["framework"] == "tensorflow"
    offset = F32(0 if tf else 1)
    base = attrs["base_size"]
    center = F32(0.5) * (F32(base) - offset)
    out = []
    for ratio in attrs["ratio"]:
        w = np.sqrt(F32(base * base) / F32(ratio))
        h = w * F32(ratio)
        if not tf:  # roundf: halves away from zero
            w = np.floor(w + F32(0.5))
            h = np.floor(w * F32(ratio) + F32(0.5))
        for scale in attrs["scale"]:
            hw = F32(0.5) * (w * F32(scale) - offset)
            hh = F32(0.5) * (h * F32(scale) - offset)
            box = [center - hw, center - hh, center + hw, center + hh]
            out.append([v - F32(0.5 * base) for v in box] if tf else box)
    return np.array(out, F32).reshape(-1, 4)


def _decode(
    attrs: dict, anchors: np.ndarray, deltas: np.ndarray, img: tuple[F32, F32]
) -> np.ndarray:
    """Boxes ``[H * W * K, 4]`` from anchors shifted to each cell and the cell's deltas."""
    tf = attrs["framework"] == "tensorflow"
    offset = F32(0 if tf else 1)
    k, h, w = anchors.shape[0], deltas.shape[1], deltas.shape[2]
    stride = attrs["feat_stride"]
    ys, xs = np.meshgrid(np.arange(h, dtype=F32), np.arange(w, dtype=F32), indexing="ij")
    if tf:  # TensorFlow swaps the roles of x and y here
        xs, ys = ys, xs
    x = (xs * F32(stride))[..., None]
    y = (ys * F32(stride))[..., None]
    x0, y0, x1, y1 = (c + anchors[:, i] for i, c in ((0, x), (1, y), (2, x), (3, y)))
    img_h, img_w = img
    if tf:
        x0, x1 = np.clip(x0, 0, img_w), np.clip(x1, 0, img_w)
        y0, y1 = np.clip(y0, 0, img_h), np.clip(y1, 0, img_h)
    d = deltas.reshape(k, 4, h, w).transpose(2, 3, 0, 1).astype(F32)  # [H, W, K, 4]
    dx = d[..., 0] / F32(attrs["box_coordinate_scale"])
    dy = d[..., 1] / F32(attrs["box_coordinate_scale"])
    dw = d[..., 2] / F32(attrs["box_size_scale"])
    dh = d[..., 3] / F32(attrs["box_size_scale"])
    ww, hh = x1 - x0 + offset, y1 - y0 + offset
    cx, cy = dx * ww + (x0 + F32(0.5) * ww), dy * hh + (y0 + F32(0.5) * hh)
    pw, ph = np.exp(dw) * ww, np.exp(dh) * hh
    boxes = np.stack(
        [cx - F32(0.5) * pw, cy - F32(0.5) * ph, cx + F32(0.5) * pw, cy + F32(0.5) * ph], -1
    )
    if attrs["clip_before_nms"]:
        limit = np.array([img_w, img_h, img_w, img_h], F32) - offset
        boxes = np.maximum(F32(0), np.minimum(boxes, limit))
    return boxes.reshape(-1, 4).astype(F32)


def _nms(boxes: np.ndarray, threshold: float, limit: int, offset: F32) -> list[int]:
    dead = np.zeros(len(boxes), bool)
    kept: list[int] = []
    area = (boxes[:, 2] - boxes[:, 0] + offset) * (boxes[:, 3] - boxes[:, 1] + offset)
    for i in range(len(boxes)):
        if dead[i]:
            continue
        kept.append(i)
        if len(kept) == limit:
            break
        t = boxes[i + 1 :]
        overlap = (
            (boxes[i, 0] <= t[:, 2])
            & (boxes[i, 1] <= t[:, 3])
            & (t[:, 0] <= boxes[i, 2])
            & (t[:, 1] <= boxes[i, 3])
        )
        iw = np.maximum(
            F32(0), np.minimum(boxes[i, 2], t[:, 2]) - np.maximum(boxes[i, 0], t[:, 0]) + offset
        )
        ih = np.maximum(
            F32(0), np.minimum(boxes[i, 3], t[:, 3]) - np.maximum(boxes[i, 1], t[:, 1]) + offset
        )
        inter = iw * ih
        with np.errstate(divide="ignore", invalid="ignore"):
            iou = np.where(overlap, inter / (area[i] + area[i + 1 :] - inter), F32(0))
        dead[i + 1 :] |= iou > F32(threshold)
    return kept


def proposal(attrs: dict, probs: np.ndarray, deltas: np.ndarray, info: np.ndarray) -> tuple:
    """``rois [B * post_nms_topn, 5]`` and ``scores [B * post_nms_topn]``."""
    info = info.reshape(-1).astype(F32)
    img = (info[0], info[1])
    scale_h, scale_w = info[2], info[3] if info.size > 3 else info[2]
    min_h, min_w = F32(attrs["min_size"]) * scale_h, F32(attrs["min_size"]) * scale_w
    offset = F32(0 if attrs["framework"] == "tensorflow" else 1)
    anchors = generate_anchors(attrs)
    k = probs.shape[1] // 2
    post = attrs["post_nms_topn"]
    rois = np.zeros((probs.shape[0], post, 5), F32)
    scores_out = np.zeros((probs.shape[0], post), F32)
    for b in range(probs.shape[0]):
        boxes = _decode(attrs, anchors, deltas[b], img)
        score = probs[b, k:].astype(F32).transpose(1, 2, 0).reshape(-1)  # foreground, [H, W, K]
        bw, bh = boxes[:, 2] - boxes[:, 0] + offset, boxes[:, 3] - boxes[:, 1] + offset
        score = score * ((min_w <= bw) & (min_h <= bh)).astype(F32)
        order = np.argsort(-score, kind="stable")[: min(len(score), attrs["pre_nms_topn"])]
        kept = order[_nms(boxes[order], attrs["nms_thresh"], post, offset)]
        out = boxes[kept]
        if attrs["clip_after_nms"]:
            out = np.clip(out, F32(0), np.array([img[1], img[0], img[1], img[0]], F32))
        if attrs["normalize"]:
            out = out / np.array([img[1], img[0], img[1], img[0]], F32)
        rois[b, : len(kept), 0] = b
        rois[b, : len(kept), 1:] = out
        scores_out[b, : len(kept)] = score[kept]
        if len(kept) < post:
            rois[b, len(kept), 0] = -1
    return rois.reshape(-1, 5), scores_out.reshape(-1)


class Proposal1(Op):
    """Region proposals from RPN foreground scores (input 1, ``[B, 2K, H, W]``), box deltas
    (input 2, ``[B, 4K, H, W]``) and image info (input 3); ``[B * post_nms_topn, 5]`` rows
    ``[batch, x0, y0, x1, y1]``, a -1 batch id ending each image's short list."""

    type_name = "Proposal"
    version_id = "opset1"
    num_inputs = 3
    attributes = (
        Attr("base_size", INT),
        Attr("pre_nms_topn", INT),
        Attr("post_nms_topn", INT),
        Attr("nms_thresh", FLOAT),
        Attr("feat_stride", INT),
        Attr("min_size", INT),
        Attr("ratio", FLOATS),
        Attr("scale", FLOATS),
        Attr("clip_before_nms", BOOL, True),
        Attr("clip_after_nms", BOOL, False),
        Attr("normalize", BOOL, False),
        Attr("box_size_scale", FLOAT, 1.0),
        Attr("box_coordinate_scale", FLOAT, 1.0),
        Attr("framework", STR, ""),
    )
    with_scores = False

    def infer(self) -> list[tuple[Type, PartialShape]]:
        t = merge_types(*(self.input_type(i) for i in range(3)))
        for name in ("base_size", "pre_nms_topn", "post_nms_topn", "feat_stride"):
            if self.attrs[name] <= 0:
                raise self.fail(f"attribute {name!r} must be positive, got {self.attrs[name]}")
        probs, deltas, info = (self.input_shape(i) for i in range(3))
        for shape, name in ((probs, "class_probs"), (deltas, "bbox_deltas")):
            if shape.rank_is_static and len(shape) != 4:
                raise self.fail(f"{name} must be a 4D tensor, got shape {shape}")
        if info.rank_is_static and (
            len(info) != 1 or not (info[0].compatible(3) or info[0].compatible(4))
        ):
            raise self.fail(f"image_shape must be a 1D tensor of 3 or 4 elements, got {info}")
        batch = probs[0] if probs.rank_is_static else Dimension()
        rows = mul_dims(batch, Dimension(self.attrs["post_nms_topn"]))
        outs = [(t, PartialShape([rows, 5]))]
        return outs + [(t, PartialShape([rows]))] if self.with_scores else outs

    def evaluate(self, probs: np.ndarray, deltas: np.ndarray, info: np.ndarray) -> tuple:
        rois, scores = proposal(self.attrs, probs, deltas, info)
        outs = (rois.astype(probs.dtype), scores.astype(probs.dtype))
        return outs if self.with_scores else outs[:1]


class Proposal4(Proposal1):
    """Proposal-4: also returns the score of each proposal (output 2)."""

    version_id = "opset4"
    with_scores = True


OPS = [Proposal1, Proposal4]
