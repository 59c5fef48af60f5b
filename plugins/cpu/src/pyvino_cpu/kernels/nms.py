"""NonMaxSuppression-1/3/4/5/9 (hard NMS) as a numba greedy loop per batch and class.

Per (batch, class): candidates above ``score_threshold`` in descending score order (ties: lower
box index first, a stable sort), each kept unless its IoU with an already kept box exceeds
``iou_threshold`` (NMS-5: reaches it), until ``max_output_boxes_per_class`` are kept. IoU is
float32 arithmetic without fast-math, so decisions at the threshold match the reference
(``pyvino_opsets._nms``) bit for bit. Soft-NMS (``soft_nms_sigma`` > 0, known only at run
time) is delegated to the node's reference ``evaluate``.

The outputs' row count depends on the data, so the kernel runs through the plan's slot table
(as a ``Reference`` step) and returns fresh arrays.
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np
from pyvino import InferenceError, Op, Output

from pyvino_cpu.kernels.reference import Reference

F32 = np.float32
# No fastmath: IoU and threshold tests must round exactly as the float32 reference does.
exact = numba.njit(cache=True, nogil=True, error_model="numpy")


@exact
def _iou(a, b):  # noqa: ANN001, ANN202
    """IoU of corner boxes ``[y1, x1, y2, x2]`` (0 when either has no area)."""
    zero = np.float32(0.0)
    area_a = (a[2] - a[0]) * (a[3] - a[1])
    area_b = (b[2] - b[0]) * (b[3] - b[1])
    if area_a <= zero or area_b <= zero:
        return zero
    ih = max(min(a[2], b[2]) - max(a[0], b[0]), zero)
    iw = max(min(a[3], b[3]) - max(a[1], b[1]), zero)
    inter = ih * iw
    return inter / (area_a + area_b - inter)


@exact
def _before(s, i, j):  # noqa: ANN001, ANN202
    """Candidate ``i`` comes before ``j``: higher score, then lower box index."""
    return s[i] > s[j] or (s[i] == s[j] and i < j)


@exact
def _sift_down(heap, size, pos, s):  # noqa: ANN001, ANN202
    while True:
        best, left = pos, 2 * pos + 1
        if left < size and _before(s, heap[left], heap[best]):
            best = left
        if left + 1 < size and _before(s, heap[left + 1], heap[best]):
            best = left + 1
        if best == pos:
            return
        heap[pos], heap[best] = heap[best], heap[pos]
        pos = best


@exact
def _candidates(s, score_thr, heap):  # noqa: ANN001, ANN202
    """Boxes scoring above the threshold as a max-heap in ``heap``; returns their count."""
    size = 0
    for i in range(s.shape[0]):
        if s[i] > score_thr:
            heap[size] = i
            size += 1
    for pos in range(size // 2 - 1, -1, -1):
        _sift_down(heap, size, pos, s)
    return size


@exact
def _suppressed(corners, idx, kept, n, iou_thr, inclusive):  # noqa: ANN001, ANN202
    for k in range(n):
        iou = _iou(corners[idx], corners[kept[k]])
        if iou > iou_thr or (inclusive and iou == iou_thr):
            return True
    return False


@exact
def select_boxes(corners, scores, max_out, iou_thr, score_thr, inclusive):  # noqa: ANN001, ANN201
    """Kept boxes as rows (batch, class, box) and their scores, in batch, class, rank order.

    ``corners [batches, boxes, 4]``, ``scores [batches, classes, boxes]`` (f32);
    ``inclusive``: suppress at IoU == threshold too (NMS-5). Candidates leave a heap one at a
    time, so only as many are ordered as the greedy loop examines.
    """
    batches, classes, boxes = scores.shape
    limit = min(max_out, boxes)
    rows = np.empty((batches * classes * limit, 3), np.int64)
    kept_scores = np.empty(batches * classes * limit, np.float32)
    kept = np.empty(limit, np.int64)
    heap = np.empty(boxes, np.int64)
    count = 0
    for b in range(batches):
        for c in range(classes):
            s = scores[b, c]
            size = _candidates(s, score_thr, heap)
            n = 0
            while size > 0 and n < limit:
                idx = heap[0]
                size -= 1
                heap[0] = heap[size]
                _sift_down(heap, size, 0, s)
                if _suppressed(corners[b], idx, kept, n, iou_thr, inclusive):
                    continue
                kept[n] = idx
                n += 1
                rows[count, 0], rows[count, 1], rows[count, 2] = b, c, idx
                kept_scores[count] = s[idx]
                count += 1
    return rows[:count], kept_scores[:count]


def corner_boxes(boxes: np.ndarray, center: bool) -> np.ndarray:
    """Boxes as ``[y_min, x_min, y_max, x_max]`` float32, from corner or center encoding."""
    b = boxes.astype(F32)
    if center:
        xc, yc, w, h = b[..., 0], b[..., 1], b[..., 2], b[..., 3]
        half_w, half_h = w / F32(2), h / F32(2)
        return np.stack([yc - half_h, xc - half_w, yc + half_h, xc + half_w], -1)
    y1, x1, y2, x2 = b[..., 0], b[..., 1], b[..., 2], b[..., 3]
    corners = [np.minimum(y1, y2), np.minimum(x1, x2), np.maximum(y1, y2), np.maximum(x1, x2)]
    return np.ascontiguousarray(np.stack(corners, -1))


def _scalar(inputs: tuple[np.ndarray, ...], port: int) -> float:
    return float(np.asarray(inputs[port]).reshape(-1)[0]) if len(inputs) > port else 0.0


class NonMaxSuppression(Reference):
    """Hard NMS in numba; ``fn(*node inputs)`` returns the node's outputs."""

    def __init__(self, node: Op) -> None:
        super().__init__(self.run, exec_type="numba_nms")
        self.node = node
        self.version = node.op_version()
        self.center = node.attrs["box_encoding"] == "center"
        self.descending = node.attrs["sort_result_descending"]
        self.index_dtype = node.output_type().dtype
        probe = np.zeros((1, 1, 4), F32)
        select_boxes(probe, np.zeros((1, 1, 1), F32), 1, F32(0.5), F32(0.0), False)

    def run(self, *inputs: np.ndarray) -> tuple[np.ndarray, ...]:
        if _scalar(inputs, 5) > 0:  # Soft-NMS
            return self.node.evaluate(*inputs)
        boxes, scores = inputs[0], inputs[1]
        self._check_shapes(boxes.shape, scores.shape)
        max_out = max(int(_scalar(inputs, 2)), 0)
        rows, kept = select_boxes(
            corner_boxes(boxes, self.center),
            np.ascontiguousarray(scores, F32),
            max_out,
            F32(_scalar(inputs, 3)),
            F32(_scalar(inputs, 4)),
            self.version == 5,
        )
        if self.descending:
            order = np.lexsort((rows[:, 2], rows[:, 1], rows[:, 0], -kept))
            rows, kept = rows[order], kept[order]
        return self._outputs(rows, kept, scores.shape, boxes.shape[1], max_out)

    def _check_shapes(self, boxes: tuple[int, ...], scores: tuple[int, ...]) -> None:
        if (
            len(boxes) != 3
            or len(scores) != 3
            or boxes[2] != 4
            or (boxes[0], boxes[1]) != (scores[0], scores[2])
        ):
            raise InferenceError(
                f"{self.node.describe()}: boxes {list(boxes)} and scores {list(scores)} must be "
                "[num_batches, num_boxes, 4] and [num_batches, num_classes, num_boxes]"
            )

    def _outputs(
        self, rows: np.ndarray, kept: np.ndarray, scores_shape: tuple, boxes: int, max_out: int
    ) -> tuple[np.ndarray, ...]:
        it = self.index_dtype
        if self.version < 5:  # padded with -1 to the op's static bound
            bound = self.node.bound(scores_shape[0], scores_shape[1], boxes, max_out)
            out = np.full((bound, 3), -1, it)
            out[: min(bound, len(rows))] = rows[:bound]
            return (out,)
        scored = np.empty((len(rows), 3), F32)
        scored[:, :2], scored[:, 2] = rows[:, :2], kept
        return rows.astype(it), scored, np.array([len(rows)], it)


def nms_kernel(node: Op, const_of: Any) -> tuple[NonMaxSuppression, list[Output]] | None:
    """The numba NMS for f32 boxes and scores (any shapes; soft-NMS falls back at run time)."""
    if any(i.element_type.name != "f32" for i in node.inputs[:2]):
        return None
    return NonMaxSuppression(node), list(node.inputs)
