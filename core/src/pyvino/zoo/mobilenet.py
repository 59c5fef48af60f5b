"""MobileNetV2 (Sandler et al., 2018) as torchvision defines it, width multiplier 1.0."""

from __future__ import annotations

import onnx
from onnx import TensorProto

from pyvino.zoo._builder import GraphBuilder

# Calibration batch (one random image) for the BatchNormalization statistics.
CALIBRATION = (1, 3, 224, 224)

# (expansion t, output channels c, repeats n, first stride s), the paper's Table 2.
INVERTED_RESIDUAL_SETTING: list[tuple[int, int, int, int]] = [
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
]

DOC = (
    "MobileNetV2 (1.0, 224): inverted residual blocks of 1x1 expand, 3x3 depthwise (group=C) "
    "and 1x1 linear projection, ReLU6 as Clip(0, 6), BatchNormalization kept unfolded, "
    "GlobalAveragePool, Flatten and a 1000-way Gemm classifier. Seeded random weights "
    "(Kaiming-normal convs, BN statistics matched to the activations); built by pyvino.zoo."
)


def _inverted_residual(b: GraphBuilder, x: str, cout: int, stride: int, t: int) -> str:
    """Expand (1x1) -> depthwise 3x3 -> project (1x1, linear); residual when shapes agree."""
    cin = b.channels[x]
    y = x
    if t != 1:
        y = b.relu6(b.conv_bn(y, cin * t, 1))
    hidden = b.channels[y]
    y = b.relu6(b.conv_bn(y, hidden, 3, stride, group=hidden))
    use_residual = stride == 1 and cin == cout
    # Projection BN with smaller gamma, as in trained nets, so the residual stream stays bounded.
    y = b.conv_bn(y, cout, 1, gamma=(0.3, 0.7) if use_residual else (0.7, 1.2))
    return b.add(x, y) if use_residual else y


def build_mobilenet_v2(seed: int = 0, num_classes: int = 1000) -> onnx.ModelProto:
    """MobileNetV2: input [1,3,224,224] float32 -> logits [1,num_classes]."""
    b = GraphBuilder("mobilenet_v2", seed)
    x = b.input("input", TensorProto.FLOAT, [1, 3, 224, 224], calibration=CALIBRATION)
    with b.scope("features.0"):
        x = b.relu6(b.conv_bn(x, 32, 3, 2))
    index = 1
    for t, c, n, s in INVERTED_RESIDUAL_SETTING:
        for i in range(n):
            with b.scope(f"features.{index}"):
                x = _inverted_residual(b, x, c, s if i == 0 else 1, t)
            index += 1
    with b.scope(f"features.{index}"):
        x = b.relu6(b.conv_bn(x, 1280, 1))
    with b.scope("classifier"):
        x = b.op("GlobalAveragePool", [x])
        x = b.op("Flatten", [x], axis=1)
        logits = b.gemm(x, 1280, num_classes)
    b.output(logits, "logits", TensorProto.FLOAT, [1, num_classes])
    return b.model(DOC)
