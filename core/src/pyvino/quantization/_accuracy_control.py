"""Accuracy-aware quantization (NNCF ``quantize_with_accuracy_control`` / POT's
AccuracyAwareQuantization): revert the most harmful layers to fp32 until the quantized model
agrees with the fp32 one on at least ``1 - max_drop`` of the validation samples.

The metric is top-1 agreement of output 0 with the fp32 model (no labels needed). Validation
samples come from the calibration side (items after the statistics subset, or a separate
``validation_dataset``), never from the data a user evaluates on.

Ranking (leave-one-out, as NNCF ranks quantizer groups): on the first ``ranking_size``
validation samples, a layer's score is how much the squared error of output 0 against the fp32
model falls when that layer alone is reverted: ``E_all - E_without_layer``. It measures the
noise a layer adds *as it reaches the output*, so a layer whose noise later layers amplify
ranks above one that adds more noise locally; the cost is one pass over the ranking samples
per layer. Reverting then follows that order: 1, 2, 4, ... layers until the target is met,
then a bisection finds the smallest count that meets it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from pyvino._errors import PyvinoError
from pyvino._model import Model
from pyvino.quantization._evaluate import top1
from pyvino.quantization._layers import QuantizedLayer
from pyvino.quantization._statistics import runner
from pyvino.runtime import Core

Inputs = list[np.ndarray]


@dataclass(frozen=True)
class AccuracyControlResult:
    """What the accuracy-aware search did (agreements on the validation samples)."""

    initial_agreement: float
    final_agreement: float
    reverted: tuple[str, ...]
    validation_samples: int


class _NoiseMeter:
    """Sums of squared signal and squared error of one tensor over the ranking samples."""

    def __init__(self) -> None:
        self.signal = 0.0
        self.error = 0.0

    def add(self, reference: np.ndarray, value: np.ndarray) -> None:
        ref = np.asarray(reference, np.float64)
        self.signal += float(np.square(ref).sum())
        self.error += float(np.square(np.asarray(value, np.float64) - ref).sum())


def _set_all(layers: Sequence[QuantizedLayer], reverted: bool) -> None:
    for layer in layers:
        layer.revert() if reverted else layer.requantize()


def _output_error(
    model: Model,
    samples: Sequence[Inputs],
    reference: Sequence[np.ndarray],
    device: str,
    core: Core | None,
) -> float:
    """Summed squared error of output 0 of ``model`` (in its current state) vs ``reference``."""
    model.validate_nodes_and_infer_types()
    run = runner(model, device, core)
    meter = _NoiseMeter()
    for inputs, expected in zip(samples, reference, strict=True):
        meter.add(expected, np.asarray(run(inputs)[0]))
    return meter.error


def rank_layers(
    quantized: Model,
    layers: Sequence[QuantizedLayer],
    samples: Sequence[Inputs],
    device: str,
    core: Core | None,
) -> list[tuple[QuantizedLayer, float]]:
    """Layers with the output error each one's reverting removes, most harmful first."""
    _set_all(layers, reverted=True)
    quantized.validate_nodes_and_infer_types()
    run_fp32 = runner(quantized, device, core)
    reference = [np.asarray(run_fp32(inputs)[0]) for inputs in samples]
    _set_all(layers, reverted=False)
    everything = _output_error(quantized, samples, reference, device, core)
    scores = []
    for layer in layers:
        layer.revert()
        scores.append(
            (layer, everything - _output_error(quantized, samples, reference, device, core))
        )
        layer.requantize()
    quantized.validate_nodes_and_infer_types()
    return sorted(scores, key=lambda pair: -pair[1])


class _Validator:
    """Top-1 agreement of the (current state of the) quantized model with fp32."""

    def __init__(
        self,
        fp32: Model,
        quantized: Model,
        samples: Sequence[Inputs],
        device: str,
        core: Core | None,
    ) -> None:
        self.quantized, self.samples, self.device, self.core = quantized, samples, device, core
        run = runner(fp32, device, core)
        self.expected = [top1(np.asarray(run(x)[0])) for x in samples]

    def agreement(self) -> float:
        self.quantized.validate_nodes_and_infer_types()
        run = runner(self.quantized, self.device, self.core)
        agree = seen = 0
        for inputs, expected in zip(self.samples, self.expected, strict=True):
            got = top1(np.asarray(run(inputs)[0]))
            agree += int((got == expected).sum())
            seen += got.size
        return agree / max(seen, 1)


def _revert_first(order: Sequence[QuantizedLayer], count: int) -> None:
    for i, layer in enumerate(order):
        layer.revert() if i < count else layer.requantize()


def _smallest_count(order: Sequence[QuantizedLayer], meets: Callable[[int], bool]) -> int:
    """The smallest number of leading layers of ``order`` to revert for ``meets`` (doubling,
    then bisection); all of them if even that fails."""
    low, count = 0, 1
    while count < len(order) and not meets(count):
        low, count = count, min(2 * count, len(order))
    if count >= len(order) and not meets(len(order)):
        return len(order)
    high = count
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if meets(middle) else (middle, high)
    return high


def restore_accuracy(
    fp32: Model,
    quantized: Model,
    layers: Sequence[QuantizedLayer],
    samples: Sequence[Inputs],
    max_drop: float,
    ranking_size: int,
    device: str,
    core: Core | None,
) -> AccuracyControlResult:
    """Revert the fewest, most harmful layers so that agreement >= ``1 - max_drop``."""
    if not 0.0 <= max_drop < 1.0:
        raise PyvinoError(f"max_drop must be in [0, 1), got {max_drop}")
    if not samples:
        raise PyvinoError(
            "accuracy control (max_drop) needs validation samples: pass "
            "validation_dataset= or more calibration items than subset_size"
        )
    target = 1.0 - max_drop
    validator = _Validator(fp32, quantized, samples, device, core)
    initial = validator.agreement()
    if initial >= target or not layers:
        return AccuracyControlResult(initial, initial, (), len(samples))
    ranked = rank_layers(quantized, layers, samples[: max(ranking_size, 1)], device, core)
    order = [layer for layer, _ in ranked]
    results: dict[int, float] = {0: initial}

    def meets(count: int) -> bool:
        _revert_first(order, count)
        results[count] = validator.agreement()
        return results[count] >= target

    count = _smallest_count(order, meets)
    _revert_first(order, count)
    final = results.get(count)
    if final is None:
        final = validator.agreement()
    quantized.validate_nodes_and_infer_types()
    return AccuracyControlResult(
        initial, final, tuple(layer.name for layer in order[:count]), len(samples)
    )
