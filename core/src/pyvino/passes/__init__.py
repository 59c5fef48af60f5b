"""Common graph passes: one module per pass, each ``run(model) -> bool`` (True if it changed
the model), plus ``run_common_passes`` which runs them in order until nothing changes.

| module | what |
|---|---|
| ``shape_of_folding`` | ``ShapeOf`` of a static shape -> Constant |
| ``constant_folding`` | nodes with all-Constant inputs -> Constants (via ``evaluate``) |
| ``batchnorm_folding`` | BatchNormInference after (Group)Convolution -> scaled weights + Add |
| ``dead_node_removal`` | no-op nodes (same-type Convert, same-shape Reshape, ...) bypassed |
| ``fp16_compression`` | f32 weights -> ``Const f16`` + decompression ``Convert`` |

Passes that create ops (``batchnorm_folding``: Add, ``fp16_compression``: Convert) take an
``OpsetRegistry`` (default: the installed plugins' registry).
"""

from __future__ import annotations

from pyvino._model import Model
from pyvino._opset import OpsetRegistry
from pyvino.passes import (
    batchnorm_folding,
    constant_folding,
    dead_node_removal,
    fp16_compression,
    shape_of_folding,
)

MAX_ROUNDS = 8


def compress_weights_to_fp16(model: Model, registry: OpsetRegistry | None = None) -> bool:
    """Store f32 weights as ``Const f16`` + decompression ``Convert`` (in place)."""
    return fp16_compression.run(model, registry)


def run_common_passes(
    model: Model, registry: OpsetRegistry | None = None, compress_to_fp16: bool = False
) -> bool:
    """Simplify ``model`` in place as a frontend does after conversion; True if it changed.

    ShapeOf folding, constant folding, BatchNorm folding and no-op removal repeat until a round
    changes nothing (each can enable the others); fp16 weight compression runs last, if asked.
    """
    changed = False
    for _ in range(MAX_ROUNDS):
        step = shape_of_folding.run(model)
        step |= constant_folding.run(model)
        step |= batchnorm_folding.run(model, registry)
        step |= dead_node_removal.run(model)
        changed |= step
        if not step:
            break
    if compress_to_fp16:
        changed |= fp16_compression.run(model, registry)
    return changed


__all__ = [
    "batchnorm_folding",
    "compress_weights_to_fp16",
    "constant_folding",
    "dead_node_removal",
    "fp16_compression",
    "run_common_passes",
    "shape_of_folding",
]
