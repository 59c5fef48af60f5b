"""``quantize``: post-training INT8 quantization in the manner of NNCF / POT DefaultQuantization."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from pyvino._errors import PyvinoError
from pyvino._model import Model
from pyvino._node import Op, Output
from pyvino.quantization._accuracy_control import AccuracyControlResult, restore_accuracy
from pyvino.quantization._bias_correction import correct_biases
from pyvino.quantization._dataset import as_dataset, to_inputs
from pyvino.quantization._insert import (
    ACTIVATION_LEVELS,
    PRESETS,
    WEIGHT_RANGES,
    activation_range,
    quantize_activation,
    quantize_weight,
)
from pyvino.quantization._layers import QuantizedLayer, layer_macs, quantized_mac_fraction
from pyvino.quantization._ranges import mse_activation_range
from pyvino.quantization._statistics import RangeCollector, collect_ranges
from pyvino.quantization._targets import (
    Target,
    as_ignored_scope,
    find_targets,
    variable_nodes,
)
from pyvino.runtime import Core


def _op_classes() -> dict[str, type[Op]]:
    from pyvino._plugins import default_manager

    builder = default_manager().registry.builder()
    return {name: builder.op_class(name) for name in ("FakeQuantize", "Convert", "Multiply")}


def fake_quantize_range(stats: RangeCollector, preset: str) -> tuple[float, float]:
    """The activation FakeQuantize range for one tensor's statistics under ``preset``."""
    low, high = stats.range()
    if stats.estimator == "mse":
        return mse_activation_range(
            stats.values(),
            low,
            high,
            ACTIVATION_LEVELS,
            lambda lo, hi: activation_range(lo, hi, preset),
        )
    return activation_range(low, high, preset)


def _activations(targets: list[Target]) -> list[Output]:
    """The distinct activation tensors the targets read, in order."""
    found: list[Output] = []
    for target in targets:
        for port in target.activation_ports:
            if target.node.inputs[port] not in found:
                found.append(target.node.inputs[port])
    return found


def _insert_quantizers(
    targets: list[Target], fq_of: dict[Output, Output], compress_weights: bool, weight_range: str
) -> list[QuantizedLayer]:
    """Put the activation FakeQuantizes and quantized weights on every target's inputs."""
    classes = _op_classes()
    weights_of: dict[Output, Output] = {}
    layers = []
    for target in targets:
        node = target.node
        layer = QuantizedLayer(node, target.weight_port)
        for port in target.activation_ports:
            layer.fp32_inputs[port] = node.inputs[port]
            node.inputs[port] = layer.int8_inputs[port] = fq_of[node.inputs[port]]
        if target.weight_port is not None and target.weight is not None:
            src = node.inputs[target.weight_port]
            if src not in weights_of:
                weights_of[src] = quantize_weight(
                    target.weight,
                    target.channel_axes(),
                    compress_weights,
                    classes,
                    f"{node.friendly_name}/weights",
                    weight_range,
                )
            layer.fp32_inputs[target.weight_port] = src
            node.inputs[target.weight_port] = weights_of[src]
            layer.int8_inputs[target.weight_port] = weights_of[src]
        layers.append(layer)
    return layers


def _check_options(preset: str, weight_range: str, subset_size: int) -> None:
    if preset not in PRESETS:
        raise PyvinoError(f"unknown preset {preset!r}; expected one of {', '.join(PRESETS)}")
    if weight_range not in WEIGHT_RANGES:
        raise PyvinoError(
            f"unknown weight_range {weight_range!r}; expected one of {', '.join(WEIGHT_RANGES)}"
        )
    if subset_size < 1:
        raise PyvinoError(f"subset_size must be >= 1, got {subset_size}")


def _validation_samples(
    rest: Any, validation_dataset: Any, validation_size: int, ports: list[Output]
) -> list[list[np.ndarray]]:
    """Validation inputs: ``validation_dataset``, else the calibration items left over."""
    if validation_dataset is not None:
        items = as_dataset(validation_dataset).items(ports)
        rest = (to_inputs(item, ports) for item in items)
    return list(itertools.islice(rest, validation_size))


def _record(model: Model, info: dict[str, str]) -> None:
    """Add ``info`` to the model's rt_info ``quantization_parameters``."""
    known = model.get_rt_info().get("quantization_parameters", {})
    model.set_rt_info({**known, **info}, ["quantization_parameters"])


def quantize(
    model: Model,
    calibration_dataset: Any,
    *,
    preset: str = "performance",
    subset_size: int = 300,
    ignored_scope: Any = None,
    range_estimator: str = "minmax",
    percentile: float = 99.99,
    weight_range: str = "minmax",
    compress_weights: bool = True,
    fast_bias_correction: bool = True,
    max_drop: float | None = None,
    validation_dataset: Any = None,
    validation_size: int = 300,
    ranking_size: int = 50,
    device: str = "CPU",
    core: Core | None = None,
    progress: bool | None = None,
) -> Model:
    """An INT8 copy of ``model``: FakeQuantize on the inputs and weights of every Convolution,
    GroupConvolution and MatMul outside ``ignored_scope``.

    ``calibration_dataset``: a ``Dataset``, any iterable of items (dict / tuple / array per
    sample) or a folder path (``.npy``/``.npz``/images); the first ``subset_size`` items are
    run through the fp32 model on ``device`` (``"reference"``: the ops' numpy evaluate) to
    collect activation ranges with ``range_estimator``: ``"minmax"``, ``"mean_minmax"``,
    ``"percentile"`` (then ``percentile`` is the upper one) or ``"mse"`` (the clipping range
    with the smallest quantization MSE). ``preset``: ``"performance"`` (symmetric weights and
    activations, ``[0, max]`` for non-negative tensors) or ``"mixed"`` (asymmetric
    activations). ``weight_range``: per-channel weight scale ``"minmax"`` (``max |w|``) or
    ``"mse"``. ``ignored_scope``: an ``IgnoredScope``, a dict ``{"names": [...], "types":
    [...], "patterns": [...]}`` or a list of node names. ``compress_weights`` stores quantized
    weights as i8 (about 4x smaller IR); ``fast_bias_correction`` moves the bias after each
    quantized layer by the mean shift its weight quantization causes on the calibration data
    (as POT / NNCF do by default).

    ``max_drop`` turns on accuracy control (NNCF's ``quantize_with_accuracy_control``): the
    layers adding the most quantization noise are reverted to fp32 until the top-1 agreement
    of output 0 with the fp32 model on the validation samples is at least ``1 - max_drop``.
    Validation samples: ``validation_dataset``, else the calibration items after the first
    ``subset_size`` (up to ``validation_size`` of them); layers are ranked leave-one-out (the
    output error reverting each one removes; one pass per layer) on the first
    ``ranking_size``. The rt_info ``quantization_parameters`` records what was reverted.
    """
    _check_options(preset, weight_range, subset_size)
    quantized = model.clone()
    scope = as_ignored_scope(ignored_scope)
    targets, skipped = find_targets(quantized, scope)
    activations = _activations(targets)
    ports = quantized.inputs
    dataset = as_dataset(calibration_dataset)
    samples = (to_inputs(item, ports) for item in dataset.items(ports))
    stats, count = collect_ranges(
        quantized,
        activations,
        samples,
        subset_size,
        estimator=range_estimator,
        percentile=percentile,
        device=device,
        core=core,
        progress=progress,
    )
    means = {
        id(t.node): stats[activations.index(t.node.inputs[0])].mean()
        for t in targets
        if t.activation_ports == [0]
    }
    fq_class = _op_classes()["FakeQuantize"]
    fq_of = {
        act: quantize_activation(act, *fake_quantize_range(s, preset), fq_class)
        for act, s in zip(activations, stats, strict=True)
    }
    layers = _insert_quantizers(targets, fq_of, compress_weights, weight_range)
    edits = {}
    if fast_bias_correction:
        edits = correct_biases(quantized, targets, means, variable_nodes(quantized))
    for layer in layers:
        layer.bias = edits.get(id(layer.node))
    quantized.validate_nodes_and_infer_types()
    all_macs = sum(layer_macs(n) for n in [*(t.node for t in targets), *skipped])
    _record(
        quantized,
        {
            "preset": preset,
            "range_estimator": range_estimator,
            "weight_range": weight_range,
            "subset_size": str(count),
            "compress_weights": str(compress_weights),
            "bias_corrected_layers": str(len(edits)),
            "ignored_scope": ",".join(n.friendly_name for n in skipped),
        },
    )
    if max_drop is not None:
        validation = _validation_samples(samples, validation_dataset, validation_size, ports)
        result = restore_accuracy(
            model, quantized, layers, validation, max_drop, ranking_size, device, core
        )
        _record(quantized, _accuracy_info(result, layers, all_macs))
    return quantized


def _accuracy_info(
    result: AccuracyControlResult, layers: list[QuantizedLayer], all_macs: int
) -> dict[str, str]:
    return {
        "max_drop_validation_samples": str(result.validation_samples),
        "validation_agreement_before": f"{result.initial_agreement:.4f}",
        "validation_agreement_after": f"{result.final_agreement:.4f}",
        "reverted_layers": ",".join(result.reverted),
        "reverted_layer_count": str(len(result.reverted)),
        "quantized_layer_count": str(sum(not layer.reverted for layer in layers)),
        "quantized_mac_fraction": f"{quantized_mac_fraction(layers, all_macs):.4f}",
    }
