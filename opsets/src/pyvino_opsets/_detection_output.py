"""The SSD DetectionOutput algorithm (decode boxes, per-class NMS, keep_top_k), as OpenVINO runs it.

Box decoding is vectorised over priors; NMS is greedy per class with IoU against the kept boxes
computed in one numpy call per candidate. Output rows are grouped per image, then per label in
ascending order, each ``[image, label, score, xmin, ymin, xmax, ymax]``; a ``-1`` image id
ends the list when it is shorter than the output.
"""

from __future__ import annotations

import numpy as np

CENTER_SIZE = "caffe.PriorBoxParameter.CENTER_SIZE"


def decode(
    priors: np.ndarray, variances: np.ndarray | None, loc: np.ndarray, attrs: dict
) -> np.ndarray:
    """Boxes ``[P, 4]`` (xmin, ymin, xmax, ymax) from priors and location offsets."""
    p = priors.astype(np.float64)
    if not attrs["normalized"]:
        p = p / np.array([attrs["input_width"], attrs["input_height"]] * 2, dtype=np.float64)
    v = np.ones_like(p) if variances is None else variances.astype(np.float64)
    loc = loc.astype(np.float64)
    if attrs["code_type"] == CENTER_SIZE:
        w, h = p[:, 2] - p[:, 0], p[:, 3] - p[:, 1]
        cx = v[:, 0] * loc[:, 0] * w + (p[:, 0] + p[:, 2]) / 2
        cy = v[:, 1] * loc[:, 1] * h + (p[:, 1] + p[:, 3]) / 2
        dw, dh = np.exp(v[:, 2] * loc[:, 2]) * w, np.exp(v[:, 3] * loc[:, 3]) * h
        out = np.stack([cx - dw / 2, cy - dh / 2, cx + dw / 2, cy + dh / 2], axis=1)
    else:
        out = p + v * loc
    return np.clip(out, 0.0, 1.0) if attrs["clip_before_nms"] else out


def overlaps(box: np.ndarray, kept: np.ndarray) -> np.ndarray:
    """Jaccard overlap of one box with each kept box (0 without a positive intersection)."""
    iw = np.minimum(box[2], kept[:, 2]) - np.maximum(box[0], kept[:, 0])
    ih = np.minimum(box[3], kept[:, 3]) - np.maximum(box[1], kept[:, 1])

    def size(b: np.ndarray) -> np.ndarray:
        valid = (b[..., 2] >= b[..., 0]) & (b[..., 3] >= b[..., 1])
        return np.where(valid, (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1]), 0.0)

    inter = np.where((iw > 0) & (ih > 0), iw * ih, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(inter > 0, inter / (size(box) + size(kept) - inter), 0.0)


def greedy_nms(boxes: np.ndarray, order: list[int], threshold: float) -> list[int]:
    kept: list[int] = []
    for idx in order:
        if not kept or not np.any(overlaps(boxes[idx], boxes[kept]) > threshold):
            kept.append(idx)
    return kept


def _ranked(scores: np.ndarray, threshold: float, top_k: int) -> list[int]:
    """Indices with score > threshold, best first (ties: lower index), at most ``top_k``."""
    idx = np.nonzero(scores > threshold)[0]
    idx = idx[np.argsort(-scores[idx], kind="stable")]
    return (idx[:top_k] if top_k > -1 else idx).tolist()


def _image_indices(boxes: dict, conf: np.ndarray, attrs: dict) -> dict[int, list[int]]:
    """label -> kept prior indices for one image (before keep_top_k)."""
    bg, num_classes = attrs["background_label_id"], conf.shape[1]
    share = attrs["share_location"]
    found: dict[int, list[int]] = {}
    if not attrs["decrease_label_id"]:  # Caffe: NMS per class
        for c in range(num_classes):
            if c == bg or (-1 if share else c) not in boxes:
                continue
            order = _ranked(conf[:, c], attrs["confidence_threshold"], attrs["top_k"])
            found[c] = greedy_nms(boxes[-1 if share else c], order, attrs["nms_threshold"])
        return found
    # MXNet: each prior votes for its best non-background class, one NMS over all of them
    cand = [c for c in range(1, num_classes) if not (bg > -1 and c == bg)]
    pairs = []
    for p in range(conf.shape[0]):
        best, cls = -1.0, 0
        for c in cand:
            if conf[p, c] > best:
                best, cls = conf[p, c], c
        if cls > 0 and best >= attrs["confidence_threshold"]:
            pairs.append((-best, p, cls))
    pairs.sort()
    if attrs["top_k"] != -1:
        pairs = pairs[: attrs["top_k"]]
    for _, p, cls in pairs:
        kept = found.setdefault(cls, [])
        b = boxes[-1 if share else cls]
        if not kept or not np.any(overlaps(b[p], b[kept]) > attrs["nms_threshold"]):
            kept.append(p)
    return found


def detection_output(
    loc: np.ndarray,
    conf: np.ndarray,
    priors: np.ndarray,
    arm_conf: np.ndarray | None,
    arm_loc: np.ndarray | None,
    attrs: dict,
    num_classes: int,
    num_results: int,
) -> np.ndarray:
    """The ``[1, 1, num_results, 7]`` DetectionOutput result (float64; the caller casts)."""
    n = loc.shape[0]
    prior_size = 4 if attrs["normalized"] else 5
    offset = 0 if attrs["normalized"] else 1
    num_priors = priors.shape[2] // prior_size
    share = attrs["share_location"]
    num_loc = 1 if share else num_classes
    loc = loc.reshape(n, num_priors, num_loc, 4)
    conf = conf.reshape(n, num_priors, num_classes).astype(np.float64)
    if arm_conf is not None:  # objectness below the threshold: background only
        weak = arm_conf.reshape(n, num_priors, 2)[:, :, 1] < attrs["objectness_score"]
        bg = (np.arange(num_classes) == attrs["background_label_id"]).astype(np.float64)
        conf = np.where(weak[:, :, None], bg, conf)
        arm_loc = arm_loc.reshape(n, num_priors, num_loc, 4)
    out = np.zeros((num_results, 7))
    count = 0
    for i in range(n):
        flat = priors[0 if priors.shape[0] == 1 else i].reshape(-1)
        boxes_p = flat[: num_priors * prior_size].reshape(num_priors, prior_size)[
            :, offset : offset + 4
        ]
        var = None
        if not attrs["variance_encoded_in_target"]:
            var = flat[num_priors * prior_size : num_priors * prior_size + num_priors * 4].reshape(
                -1, 4
            )
        boxes = {}
        for c in range(num_loc):
            label = -1 if share else c
            if attrs["background_label_id"] > -1 and label == attrs["background_label_id"]:
                continue
            base = boxes_p if arm_loc is None else decode(boxes_p, var, arm_loc[i, :, c], attrs)
            boxes[label] = decode(base, var, loc[i, :, c], attrs)
        found = _image_indices(boxes, conf[i], attrs)
        keep = attrs["keep_top_k"][0]
        if keep > -1 and sum(len(v) for v in found.values()) > keep:
            ranked = sorted((-conf[i, p, c], p, c) for c, ps in found.items() for p in ps)[:keep]
            found = {}
            for _, p, c in ranked:
                found.setdefault(c, []).append(p)
        for label in sorted(found):
            b = boxes[-1 if share else label]
            for p in found[label]:
                if count >= num_results:
                    break
                box = np.clip(b[p], 0.0, 1.0) if attrs["clip_after_nms"] else b[p]
                shown = label - 1 if attrs["decrease_label_id"] else label
                out[count] = [i, shown, conf[i, p, label], *box]
                count += 1
    if count < num_results:
        out[count, 0] = -1
    return out.reshape(1, 1, num_results, 7)
