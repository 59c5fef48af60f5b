"""``quantize``: post-training INT8 quantization in the manner of NNCF / POT DefaultQuantization."""

from __future__ import annotations

from typing import Any

from pyvino._errors import PyvinoError
from pyvino._model import Model
from pyvino._node import Op, Output
from pyvino.quantization._bias_correction import correct_biases
from pyvino.quantization._dataset import as_dataset, to_inputs
from pyvino.quantization._insert import (
    PRESETS,
    activation_range,
    quantize_activation,
    quantize_weight,
)
from pyvino.quantization._statistics import collect_ranges
from pyvino.quantization._targets import as_ignored_scope, find_targets, variable_nodes
from pyvino.runtime import Core


def _op_classes() -> dict[str, type[Op]]:
    from pyvino._plugins import default_manager

    builder = default_manager().registry.builder()
    return {name: builder.op_class(name) for name in ("FakeQuantize", "Convert", "Multiply")}


def quantize(
    model: Model,
    calibration_dataset: Any,
    *,
    preset: str = "performance",
    subset_size: int = 300,
    ignored_scope: Any = None,
    range_estimator: str = "minmax",
    percentile: float = 99.99,
    compress_weights: bool = True,
    fast_bias_correction: bool = True,
    device: str = "CPU",
    core: Core | None = None,
    progress: bool | None = None,
) -> Model:
    """An INT8 copy of ``model``: FakeQuantize on the inputs and weights of every Convolution,
    GroupConvolution and MatMul outside ``ignored_scope``.

    ``calibration_dataset``: a ``Dataset``, any iterable of items (dict / tuple / array per
    sample) or a folder path (``.npy``/``.npz``/images); the first ``subset_size`` items are
    run through the fp32 model on ``device`` (``"reference"``: the ops' numpy evaluate) to
    collect activation ranges with ``range_estimator`` (``"minmax"``, ``"mean_minmax"`` or
    ``"percentile"``, then ``percentile`` is the upper one). ``preset``: ``"performance"``
    (symmetric weights and activations) or ``"mixed"``
    (symmetric weights, asymmetric activations). ``ignored_scope``: an ``IgnoredScope``, a
    dict ``{"names": [...], "types": [...], "patterns": [...]}`` or a list of node names.
    ``compress_weights`` stores quantized weights as i8 (about 4x smaller IR);
    ``fast_bias_correction`` moves the bias after each quantized layer by the mean shift its
    weight quantization causes on the calibration data (as POT / NNCF do by default).
    """
    if preset not in PRESETS:
        raise PyvinoError(f"unknown preset {preset!r}; expected one of {', '.join(PRESETS)}")
    if subset_size < 1:
        raise PyvinoError(f"subset_size must be >= 1, got {subset_size}")
    quantized = model.clone()
    scope = as_ignored_scope(ignored_scope)
    targets, skipped = find_targets(quantized, scope)
    activations: list[Output] = []
    for target in targets:
        for port in target.activation_ports:
            if target.node.inputs[port] not in activations:
                activations.append(target.node.inputs[port])
    dataset = as_dataset(calibration_dataset)
    ports = quantized.inputs
    samples = (to_inputs(item, ports) for item in dataset.items(ports))
    stats, count = collect_ranges(quantized, activations, samples, subset_size,
                                  estimator=range_estimator, percentile=percentile,
                                  device=device, core=core, progress=progress)
    means = {id(t.node): stats[activations.index(t.node.inputs[0])].mean()
             for t in targets if t.activation_ports == [0]}
    classes = _op_classes()
    fq_of = {act: quantize_activation(act, *activation_range(*s.range(), preset),
                                      classes["FakeQuantize"])
             for act, s in zip(activations, stats, strict=True)}
    weights_of: dict[Output, Output] = {}
    for target in targets:
        node = target.node
        for port in target.activation_ports:
            node.inputs[port] = fq_of[node.inputs[port]]
        if target.weight_port is not None and target.weight is not None:
            src = node.inputs[target.weight_port]
            if src not in weights_of:
                weights_of[src] = quantize_weight(target.weight, target.channel_axes(),
                                                  compress_weights, classes,
                                                  f"{node.friendly_name}/weights")
            node.inputs[target.weight_port] = weights_of[src]
    corrected = 0
    if fast_bias_correction:
        corrected = correct_biases(quantized, targets, means, variable_nodes(quantized))
    quantized.validate_nodes_and_infer_types()
    quantized.set_rt_info({
        "preset": preset, "range_estimator": range_estimator, "subset_size": str(count),
        "compress_weights": str(compress_weights), "bias_corrected_layers": str(corrected),
        "ignored_scope": ",".join(n.friendly_name for n in skipped),
    }, ["quantization_parameters"])
    return quantized
