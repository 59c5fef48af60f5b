"""The NonMaxSuppression algorithm shared by NonMaxSuppression-1/3/4/5/9.

Per (batch, class): a max-heap of candidates above ``score_threshold`` (ties: lower box index
first); each popped candidate is compared with the boxes selected since it was last examined,
newest first. Soft-NMS decays its score by ``exp(-0.5 * iou^2 / sigma)`` and re-queues it if
it changed; hard NMS drops it. Arithmetic is float32, as in OpenVINO's reference.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

F32 = np.float32


@dataclass(frozen=True)
class NMSRule:
    """How one NMS version treats an IoU: hard suppression test and soft-NMS weighting."""

    version: int  # 1..4 and 9: suppress when iou > threshold; 5: when iou >= threshold

    def hard(self, iou: np.ndarray, threshold: F32, soft: bool) -> np.ndarray:
        if self.version == 5:
            return iou >= threshold
        return (iou > threshold) & (not soft)

    def weight(self, iou: F32, threshold: F32, scale: F32, soft: bool) -> F32:
        w = F32(np.exp(scale * iou * iou))
        keep = iou <= threshold if self.version == 5 else (soft or iou <= threshold)
        return w if keep else F32(0.0)


def corner_boxes(boxes: np.ndarray, center: bool) -> np.ndarray:
    """Boxes as ``[y_min, x_min, y_max, x_max]`` in float32 (from corner or center encoding)."""
    b = boxes.astype(F32)
    if center:
        xc, yc, w, h = b[..., 0], b[..., 1], b[..., 2], b[..., 3]
        return np.stack([yc - h / F32(2), xc - w / F32(2), yc + h / F32(2), xc + w / F32(2)], -1)
    y1, x1, y2, x2 = b[..., 0], b[..., 1], b[..., 2], b[..., 3]
    return np.stack(
        [np.minimum(y1, y2), np.minimum(x1, x2), np.maximum(y1, y2), np.maximum(x1, x2)], -1
    )


def iou(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    """IoU of one corner box with each of ``others`` (0 when either box has no area)."""
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
    ih = np.maximum(np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0]), F32(0))
    iw = np.maximum(np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1]), F32(0))
    inter = ih * iw
    with np.errstate(divide="ignore", invalid="ignore"):
        out = inter / (area + areas - inter)
    return np.where((area <= 0) | (areas <= 0), F32(0), out).astype(F32)


def select_class(
    boxes: np.ndarray,
    scores: np.ndarray,
    max_out: int,
    iou_thr: F32,
    score_thr: F32,
    sigma: F32,
    rule: NMSRule,
) -> list[tuple[int, F32]]:
    """(box index, score) of the boxes selected for one class, in selection order."""
    soft = sigma > 0
    scale = F32(-0.5) / sigma if soft else F32(0.0)
    heap = [(-s, int(i), 0) for i, s in enumerate(scores) if s > score_thr]
    heapq.heapify(heap)
    chosen: list[int] = []
    chosen_scores: list[F32] = []
    while heap and len(chosen) < max_out:
        neg, idx, begin = heapq.heappop(heap)
        original = score = F32(-neg)
        ious = iou(boxes[idx], boxes[chosen[begin:]]) if len(chosen) > begin else np.zeros(0, F32)
        hard = False
        if not soft:
            hard = bool(np.any(rule.hard(ious, iou_thr, soft)))
        else:
            for value in ious[::-1]:
                score = F32(score * rule.weight(value, iou_thr, scale, soft))
                if rule.hard(value, iou_thr, soft):
                    hard = True
                    break
                if score <= score_thr:
                    break
        if hard:
            continue
        if score == original:
            chosen.append(idx)
            chosen_scores.append(score)
        elif score > score_thr:
            heapq.heappush(heap, (-score, idx, len(chosen)))
    return list(zip(chosen, chosen_scores, strict=True))


def non_max_suppression(
    boxes: np.ndarray,
    scores: np.ndarray,
    max_out: int,
    iou_thr: float,
    score_thr: float,
    sigma: float,
    center: bool,
    sort_descending: bool,
    rule: NMSRule,
) -> list[tuple[int, int, int, F32]]:
    """Selected boxes as (batch, class, box, score), ordered as ``sort_result_descending`` says."""
    corners = corner_boxes(boxes, center)
    scores = scores.astype(F32)
    found = []
    for b in range(scores.shape[0]):
        for c in range(scores.shape[1]):
            picked = select_class(
                corners[b], scores[b, c], max_out, F32(iou_thr), F32(score_thr), F32(sigma), rule
            )
            found.extend((b, c, i, s) for i, s in picked)
    if sort_descending:
        found.sort(key=lambda r: (-r[3], r[0], r[1], r[2]))
    return found
