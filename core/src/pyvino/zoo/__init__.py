"""The model zoo: standard architectures built as ONNX with seeded weights (nothing downloaded).

No network is reachable here, so demos, tests and benchmarks use models that `pyvino.zoo`
builds in code: the real graph structure of each architecture, with random weights drawn from
a seed with realistic statistics (see `_builder`). The same name and seed always give the same
model.

Example::

    from pyvino import zoo

    for entry in zoo.list_models():
        print(entry.name, [(i.name, i.shape) for i in entry.inputs])
    model = zoo.build("resnet50", "resnet50.onnx", seed=0)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import onnx

from pyvino._errors import PyvinoError
from pyvino.zoo.bert import build_bert_encoder
from pyvino.zoo.lstm import build_lstm_seq
from pyvino.zoo.mobilenet import build_mobilenet_v2
from pyvino.zoo.resnet import build_resnet18, build_resnet50
from pyvino.zoo.unet import build_unet
from pyvino.zoo.yolo import build_yolo_detector


@dataclass(frozen=True)
class TensorSpec:
    """A model input or output: name, numpy dtype name and shape (str = symbolic dimension)."""

    name: str
    dtype: str
    shape: tuple[int | str, ...]


@dataclass(frozen=True)
class ZooEntry:
    """One buildable model: its name, a one-line description, inputs and outputs."""

    name: str
    description: str
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]
    builder: Callable[..., onnx.ModelProto]


def _image(size: int) -> tuple[TensorSpec, ...]:
    return (TensorSpec("input", "float32", (1, 3, size, size)),)


def _logits(*shape: int) -> tuple[TensorSpec, ...]:
    return (TensorSpec("logits", "float32", shape),)


_ENTRIES: tuple[ZooEntry, ...] = (
    ZooEntry(
        "mobilenet_v2",
        "MobileNetV2 1.0 ImageNet classifier: inverted residuals, depthwise convs, ReLU6",
        _image(224),
        _logits(1, 1000),
        build_mobilenet_v2,
    ),
    ZooEntry(
        "resnet18",
        "ResNet-18 ImageNet classifier: basic residual blocks",
        _image(224),
        _logits(1, 1000),
        build_resnet18,
    ),
    ZooEntry(
        "resnet50",
        "ResNet-50 ImageNet classifier: bottleneck residual blocks",
        _image(224),
        _logits(1, 1000),
        build_resnet50,
    ),
    ZooEntry(
        "bert_encoder",
        "BERT-style encoder: 4 layers, hidden 256, 4 heads, masked self-attention, Erf GELU",
        (
            TensorSpec("input_ids", "int64", (1, 128)),
            TensorSpec("attention_mask", "int64", (1, 128)),
        ),
        (
            TensorSpec("last_hidden_state", "float32", (1, 128, 256)),
            TensorSpec("pooler_output", "float32", (1, 256)),
        ),
        build_bert_encoder,
    ),
    ZooEntry(
        "yolo_detector",
        "YOLOv3-tiny-style two-scale detector, 20 classes, box decoding + NonMaxSuppression",
        _image(320),
        (
            TensorSpec("boxes", "float32", (1, 1500, 4)),
            TensorSpec("scores", "float32", (1, 20, 1500)),
            TensorSpec("selected_indices", "int64", ("num_selected", 3)),
        ),
        build_yolo_detector,
    ),
    ZooEntry(
        "unet",
        "UNet segmenter: conv encoder/decoder, bilinear Resize, Concat skips, 4 classes",
        _image(128),
        _logits(1, 4, 128, 128),
        build_unet,
    ),
    ZooEntry(
        "lstm_seq",
        "Sequence classifier: bidirectional LSTM + forward LSTM (hidden 128), Gemm head",
        (TensorSpec("input", "float32", (1, 32, 64)),),
        _logits(1, 10),
        build_lstm_seq,
    ),
)


def list_models() -> list[ZooEntry]:
    """Every model the zoo can build, in a stable order."""
    return list(_ENTRIES)


def get_entry(name: str) -> ZooEntry:
    """The entry called `name`; raises PyvinoError naming the known models otherwise."""
    for entry in _ENTRIES:
        if entry.name == name:
            return entry
    known = ", ".join(e.name for e in _ENTRIES)
    raise PyvinoError(f"pyvino.zoo: no model named {name!r}; expected one of: {known}")


def build(
    name: str, path: str | os.PathLike[str] | None = None, *, seed: int = 0
) -> onnx.ModelProto:
    """Build model `name` with weights drawn from `seed`; also save it to `path` when given."""
    model = get_entry(name).builder(seed=seed)
    if path is not None:
        onnx.save(model, os.fspath(path))
    return model


def sample_inputs(model: Any, seed: int = 0) -> list[np.ndarray]:
    """Seeded inputs for a zoo model read by pyvino (``model.inputs`` in order): N(0, 1)
    floats, token ids below 1000 and 0/1 attention masks for integer inputs."""
    rng = np.random.default_rng(seed)
    data = []
    for port in model.inputs:
        shape = tuple(port.partial_shape.to_shape())
        if port.element_type.is_integral:
            high = 2 if "mask" in port.any_name else 1000
            data.append(rng.integers(0, high, shape).astype(port.element_type.dtype))
        else:
            data.append(rng.standard_normal(shape).astype(np.float32))
    return data


__all__ = ["TensorSpec", "ZooEntry", "build", "get_entry", "list_models", "sample_inputs"]
