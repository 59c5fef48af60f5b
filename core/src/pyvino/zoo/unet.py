"""A UNet segmenter (Ronneberger et al., 2015) with bilinear upsampling, as popular ports build it."""

from __future__ import annotations

import onnx
from onnx import TensorProto

from pyvino.zoo._builder import GraphBuilder

SIZE = 128
NUM_CLASSES = 4
WIDTHS = (16, 32, 64, 128)  # encoder stages; the bottleneck doubles the last one

DOC = (
    f"UNet segmenter for {SIZE}x{SIZE} images, {NUM_CLASSES} classes: an encoder of double "
    f"3x3 Conv/BN/ReLU blocks (widths {list(WIDTHS)}) with 2x2 MaxPool, a bottleneck of width "
    f"{2 * WIDTHS[-1]}, and a decoder that upsamples with Resize (linear, half_pixel, scales "
    f"[1,1,2,2]), Concat's the encoder skip connection and applies a double conv block; a 1x1 "
    f"Conv gives logits [1,{NUM_CLASSES},{SIZE},{SIZE}]. Seeded random weights "
    f"(Kaiming-normal convs, BN statistics matched to the activations); built by pyvino.zoo."
)


def _double_conv(b: GraphBuilder, x: str, width: int) -> str:
    """(3x3 Conv -> BN -> ReLU) twice."""
    for _ in range(2):
        x = b.relu(b.conv_bn(x, width, 3))
    return x


def build_unet(seed: int = 0) -> onnx.ModelProto:
    """UNet: input [1,3,128,128] float32 -> logits [1,4,128,128]."""
    b = GraphBuilder("unet", seed)
    x = b.input("input", TensorProto.FLOAT, [1, 3, SIZE, SIZE], calibration=(1, 3, SIZE, SIZE))
    skips: list[str] = []
    for i, width in enumerate(WIDTHS):
        with b.scope(f"down{i}"):
            x = _double_conv(b, x, width)
            skips.append(x)
            x = b.maxpool(x, 2, 2)
    with b.scope("bottleneck"):
        x = _double_conv(b, x, 2 * WIDTHS[-1])
    for i, (width, skip) in reversed(list(enumerate(zip(WIDTHS, skips, strict=True)))):
        with b.scope(f"up{i}"):
            x = _double_conv(b, b.concat([b.upsample2x(x, "linear"), skip]), width)
    with b.scope("head"):
        logits = b.conv(x, NUM_CLASSES, 1, bias=True, std=b.channels[x] ** -0.5)
    b.output(logits, "logits", TensorProto.FLOAT, [1, NUM_CLASSES, SIZE, SIZE])
    return b.model(DOC)
