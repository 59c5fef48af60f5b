"""A YOLOv3-tiny-style two-scale detector with in-graph box decoding and NonMaxSuppression."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto

from pyvino.zoo._builder import GraphBuilder

SIZE = 320
NUM_CLASSES = 20  # Pascal VOC
# (stride, anchors (w, h) in pixels): YOLOv3-tiny's anchors, one head per scale.
HEADS: list[tuple[int, list[tuple[float, float]]]] = [
    (32, [(81.0, 82.0), (135.0, 169.0), (344.0, 319.0)]),
    (16, [(10.0, 14.0), (23.0, 27.0), (37.0, 58.0)]),
]
NUM_BOXES = sum(len(a) * (SIZE // s) ** 2 for s, a in HEADS)
MAX_PER_CLASS = 20
IOU_THRESHOLD = 0.45
SCORE_THRESHOLD = 0.4

DOC = (
    f"YOLOv3-tiny-style detector for {SIZE}x{SIZE} images and {NUM_CLASSES} classes: a "
    f"Conv/BN/LeakyReLU + MaxPool backbone, heads at strides 32 and 16 (the stride-16 head "
    f"sees a nearest Resize(scales 2) of the deep features Concat'ed with the stride-16 "
    f"features), box decoding in the graph (Sigmoid, Exp, Mul, Add against anchor and grid "
    f"constants) and NonMaxSuppression (IoU {IOU_THRESHOLD}, score {SCORE_THRESHOLD}, at most "
    f"{MAX_PER_CLASS} per class). Outputs boxes [1,{NUM_BOXES},4] as (x1,y1,x2,y2) pixels, "
    f"scores [1,{NUM_CLASSES},{NUM_BOXES}] (objectness x class probability) and "
    f"selected_indices [K,3] int64 (batch, class, box). Seeded random weights (Kaiming-normal "
    f"convs, BN statistics matched to the activations); built by pyvino.zoo."
)


def _cbl(b: GraphBuilder, x: str, cout: int, k: int) -> str:
    """Conv + BatchNormalization + LeakyReLU(0.1), YOLO's basic unit."""
    return b.leaky_relu(b.conv_bn(x, cout, k))


def _grid_and_anchors(stride: int, anchors: list[tuple[float, float]]) -> tuple[np.ndarray, ...]:
    """[1, A*H*W, 2] cell offsets (x, y) and anchor sizes (w, h), anchor-major like the preds."""
    n = SIZE // stride
    ys, xs = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    cells = np.stack([xs.ravel(), ys.ravel()], axis=-1).astype(np.float32)  # [HW, 2]
    grid = np.concatenate([cells] * len(anchors))[None]
    sizes = np.repeat(np.asarray(anchors, np.float32), n * n, axis=0)[None]
    return grid, sizes


def _decode(b: GraphBuilder, pred: str, stride: int, anchors: list[tuple[float, float]]) -> tuple:
    """[1, A*(5+C), H, W] raw head -> boxes [1, A*H*W, 4] and scores [1, A*H*W, C]."""
    a, n, per = len(anchors), SIZE // stride, 5 + NUM_CLASSES
    x = b.op("Reshape", [pred, b.const([1, a, per, n * n], "pred_shape", np.int64)])
    x = b.op("Transpose", [x], perm=[0, 1, 3, 2])
    x = b.op("Reshape", [x, b.const([1, a * n * n, per], "pred_flat", np.int64)])
    sizes = b.const([2, 2, 1, NUM_CLASSES], "split_sizes", np.int64)
    txy, twh, tobj, tcls = b.op("Split", [x, sizes], n_out=4, axis=2)
    grid, anchor_wh = _grid_and_anchors(stride, anchors)
    centre = b.op("Add", [b.op("Sigmoid", [txy]), b.const(grid, "grid")])
    centre = b.op("Mul", [centre, b.const(float(stride), "stride")])
    half = b.op("Mul", [b.op("Exp", [twh]), b.const(anchor_wh / 2, "anchors_half")])
    corners = [b.op("Sub", [centre, half]), b.op("Add", [centre, half])]
    boxes = b.op("Concat", corners, axis=2)
    scores = b.op("Mul", [b.op("Sigmoid", [tobj]), b.op("Sigmoid", [tcls])])
    return boxes, scores


def _head(b: GraphBuilder, x: str, anchors: int) -> str:
    """The 1x1 prediction conv (with bias, no BN); std 0.5/sqrt(fan_in) keeps logits small."""
    return b.conv(x, anchors * (5 + NUM_CLASSES), 1, bias=True, std=0.5 / np.sqrt(b.channels[x]))


def build_yolo_detector(seed: int = 0) -> onnx.ModelProto:
    """YOLO-style detector: input [1,3,320,320] -> boxes, scores, selected_indices [K,3]."""
    b = GraphBuilder("yolo_detector", seed)
    x = b.input("input", TensorProto.FLOAT, [1, 3, SIZE, SIZE], calibration=(1, 3, SIZE, SIZE))
    with b.scope("backbone"):
        for width in (16, 32, 64, 128):
            x = b.maxpool(_cbl(b, x, width, 3), 2, 2)
        route16 = _cbl(b, x, 256, 3)  # stride 16
        x = _cbl(b, b.maxpool(route16, 2, 2), 512, 3)  # stride 32
        route32 = _cbl(b, x, 256, 1)
    (stride32, anchors32), (stride16, anchors16) = HEADS
    with b.scope("head32"):
        pred32 = _head(b, _cbl(b, route32, 512, 3), len(anchors32))
    with b.scope("head16"):
        up = b.upsample2x(_cbl(b, route32, 128, 1), "nearest")
        pred16 = _head(b, _cbl(b, b.concat([up, route16]), 256, 3), len(anchors16))
    with b.scope("decode"):
        boxes32, scores32 = _decode(b, pred32, stride32, anchors32)
        boxes16, scores16 = _decode(b, pred16, stride16, anchors16)
        boxes = b.op("Concat", [boxes32, boxes16], axis=1)
        scores = b.op("Transpose", [b.op("Concat", [scores32, scores16], axis=1)], perm=[0, 2, 1])
    with b.scope("nms"):
        selected = b.op(
            "NonMaxSuppression",
            [
                boxes,
                scores,
                b.const([MAX_PER_CLASS], "max_output_boxes_per_class", np.int64),
                b.const([IOU_THRESHOLD], "iou_threshold"),
                b.const([SCORE_THRESHOLD], "score_threshold"),
            ],
            center_point_box=0,
        )
    b.output(boxes, "boxes", TensorProto.FLOAT, [1, NUM_BOXES, 4])
    b.output(scores, "scores", TensorProto.FLOAT, [1, NUM_CLASSES, NUM_BOXES])
    b.output(selected, "selected_indices", TensorProto.INT64, ["num_selected", 3])
    return b.model(DOC)
