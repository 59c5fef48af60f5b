"""ResNet-18 and ResNet-50 (He et al., 2016) as torchvision defines them (v1.5: stride on 3x3)."""

from __future__ import annotations

import onnx
from onnx import TensorProto

from pyvino.zoo._builder import GraphBuilder

# Calibration batch (one random image) for the BatchNormalization statistics.
CALIBRATION = (1, 3, 224, 224)

# The last BN of each residual branch gets a small gamma, as trained ResNets have.
RESIDUAL_GAMMA = (0.2, 0.5)

DOC = (
    "ResNet-{depth} ({block} blocks, layers {layers}): 7x7/2 stem conv, BN, ReLU, 3x3/2 MaxPool, "
    "four stages of residual blocks with a 1x1 projection shortcut where shape changes, "
    "GlobalAveragePool, Flatten and a 1000-way Gemm. Seeded random weights (Kaiming-normal "
    "convs, BN statistics matched to the activations); built by pyvino.zoo."
)


def _shortcut(b: GraphBuilder, x: str, cout: int, stride: int) -> str:
    """Identity, or a 1x1 conv + BN projection when stride or width changes."""
    if stride == 1 and b.channels[x] == cout:
        return x
    with b.scope("downsample"):
        return b.conv_bn(x, cout, 1, stride)


def _basic_block(b: GraphBuilder, x: str, width: int, stride: int) -> str:
    """3x3 -> 3x3 with a residual Add (ResNet-18/34)."""
    y = b.relu(b.conv_bn(x, width, 3, stride))
    y = b.conv_bn(y, width, 3, gamma=RESIDUAL_GAMMA)
    return b.relu(b.add(y, _shortcut(b, x, width, stride)))


def _bottleneck(b: GraphBuilder, x: str, width: int, stride: int) -> str:
    """1x1 reduce -> 3x3 (strided) -> 1x1 expand x4, with a residual Add (ResNet-50+)."""
    y = b.relu(b.conv_bn(x, width, 1))
    y = b.relu(b.conv_bn(y, width, 3, stride))
    y = b.conv_bn(y, width * 4, 1, gamma=RESIDUAL_GAMMA)
    return b.relu(b.add(y, _shortcut(b, x, width * 4, stride)))


def _resnet(
    name: str, layers: list[int], bottleneck: bool, seed: int, num_classes: int
) -> onnx.ModelProto:
    b = GraphBuilder(name, seed)
    block = _bottleneck if bottleneck else _basic_block
    x = b.input("input", TensorProto.FLOAT, [1, 3, 224, 224], calibration=CALIBRATION)
    with b.scope("stem"):
        x = b.relu(b.conv_bn(x, 64, 7, 2))
        x = b.maxpool(x, 3, 2, pad=1)
    for stage, repeats in enumerate(layers):
        width = 64 * 2**stage
        for i in range(repeats):
            with b.scope(f"layer{stage + 1}.{i}"):
                x = block(b, x, width, 2 if stage > 0 and i == 0 else 1)
    features = b.channels[x]
    with b.scope("fc"):
        x = b.op("GlobalAveragePool", [x])
        x = b.op("Flatten", [x], axis=1)
        logits = b.gemm(x, features, num_classes)
    b.output(logits, "logits", TensorProto.FLOAT, [1, num_classes])
    depth = name.removeprefix("resnet")
    kind = "bottleneck" if bottleneck else "basic"
    return b.model(DOC.format(depth=depth, block=kind, layers=layers))


def build_resnet18(seed: int = 0, num_classes: int = 1000) -> onnx.ModelProto:
    """ResNet-18: input [1,3,224,224] float32 -> logits [1,num_classes]."""
    return _resnet("resnet18", [2, 2, 2, 2], False, seed, num_classes)


def build_resnet50(seed: int = 0, num_classes: int = 1000) -> onnx.ModelProto:
    """ResNet-50: input [1,3,224,224] float32 -> logits [1,num_classes]."""
    return _resnet("resnet50", [3, 4, 6, 3], True, seed, num_classes)
