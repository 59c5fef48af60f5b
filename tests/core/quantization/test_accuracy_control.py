"""Accuracy control (``max_drop``): the layer a test makes sensitive is the one reverted."""

from __future__ import annotations

import argparse

import numpy as np
import pytest
import pyvino
from pyvino import Model
from pyvino.cli import _quantize
from pyvino.quantization import quantize
from pyvino.quantization._accuracy_control import rank_layers
from pyvino.quantization._layers import layer_macs

RNG = np.random.default_rng(21)
W1 = RNG.standard_normal((32, 64)).astype(np.float32) / 6
W1[:, 0] = 0.0  # hidden unit 0 is always 0 ...
W2 = RNG.standard_normal((64, 64)).astype(np.float32) / 8
W2[0, :] = 1000.0  # ... so this row never matters in fp32, but it sets every channel's scale
W3 = RNG.standard_normal((64, 10)).astype(np.float32) / 8


def mlp() -> Model:
    ops = pyvino.opset15
    x = ops.parameter([1, 32], "f32", name="x")
    y = ops.relu(ops.matmul(x, W1, transpose_a=False, transpose_b=False, name="fc1"))
    y = ops.relu(ops.matmul(y, W2, transpose_a=False, transpose_b=False, name="sensitive"))
    y = ops.matmul(y, W3, transpose_a=False, transpose_b=False, name="fc3")
    return Model([y], [x], "mlp")


def data(count: int) -> list[np.ndarray]:
    return [RNG.standard_normal((1, 32)).astype(np.float32) for _ in range(count)]


def top1_agreement(a: Model, b: Model, inputs: list[np.ndarray]) -> float:
    core = pyvino.Core()
    ca, cb = core.compile_model(a, "CPU"), core.compile_model(b, "CPU")
    return float(np.mean([ca(x)[0].argmax() == cb(x)[0].argmax() for x in inputs]))


def test_the_deliberately_sensitive_layer_is_reverted_and_accuracy_restored():
    calibration = data(16 + 60)  # 16 for statistics, the next 60 validate
    plain = quantize(mlp(), calibration, subset_size=16)
    held_out = data(100)
    assert top1_agreement(mlp(), plain, held_out) < 0.8  # W2's int8 steps are 1000/127
    q = quantize(mlp(), calibration, subset_size=16, max_drop=0.02)
    info = q.get_rt_info(["quantization_parameters"])
    assert info["reverted_layers"] == "sensitive"
    assert float(info["validation_agreement_before"]) < 0.8
    assert float(info["validation_agreement_after"]) >= 0.98
    assert info["max_drop_validation_samples"] == "60"
    # MACs: 32*64 + 64*64 + 64*10 per inference; fc1 and fc3 stay int8
    assert float(info["quantized_mac_fraction"]) == pytest.approx(
        (32 * 64 + 64 * 10) / (32 * 64 + 64 * 64 + 64 * 10), abs=1e-4
    )
    node = next(n for n in q.get_ordered_ops() if n.friendly_name == "sensitive")
    assert all(src.node.type_name != "FakeQuantize" for src in node.inputs)
    np.testing.assert_array_equal(node.input_value(1), W2)  # fp32 weights back
    assert top1_agreement(mlp(), q, held_out) >= 0.95


def test_ranking_puts_the_sensitive_layer_first(monkeypatch):
    from pyvino.quantization import _accuracy_control

    seen = []

    def spy(*args, **kwargs):
        seen.append(rank_layers(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(_accuracy_control, "rank_layers", spy)
    quantize(mlp(), data(16 + 30), subset_size=16, max_drop=0.02, ranking_size=8)
    ranked = seen[0]
    assert [layer.name for layer, _ in ranked][0] == "sensitive"
    assert ranked[0][1] > 10 * ranked[1][1]  # its added relative noise dwarfs the others


def _output_error(model: Model, inputs: list[np.ndarray], expected: list[np.ndarray]) -> float:
    """Squared error of output 0 against ``expected``, with the numpy reference evaluator."""
    from pyvino._reference import evaluate_model

    model.validate_nodes_and_infer_types()
    return sum(
        float(np.square(evaluate_model(model, [x])[0].astype(np.float64) - y).sum())
        for x, y in zip(inputs, expected, strict=True)
    )


def test_ranking_scores_are_the_output_error_each_revert_removes(monkeypatch):
    from pyvino.quantization import _accuracy_control, _quantize

    layers_seen, ranked_seen = [], []
    insert = _quantize._insert_quantizers

    def keep_layers(*args, **kwargs):
        layers_seen.extend(insert(*args, **kwargs))
        return layers_seen

    def keep_ranking(*args, **kwargs):
        ranked_seen.extend(rank_layers(*args, **kwargs))
        return ranked_seen

    monkeypatch.setattr(_quantize, "_insert_quantizers", keep_layers)
    monkeypatch.setattr(_accuracy_control, "rank_layers", keep_ranking)
    calibration = data(16 + 12)
    q = quantize(
        mlp(), calibration, subset_size=16, max_drop=0.0, ranking_size=12, device="reference"
    )
    inputs = calibration[16:]
    for layer in layers_seen:  # back to the all-int8 state the ranking started from
        layer.requantize()
    expected = [np.asarray(mlp_reference(x), np.float64) for x in inputs]
    everything = _output_error(q, inputs, expected)
    for layer, score in ranked_seen:
        layer.revert()
        without = _output_error(q, inputs, expected)
        layer.requantize()
        assert score == pytest.approx(everything - without, rel=1e-4, abs=1e-9)
    scores = [score for _, score in ranked_seen]
    assert scores == sorted(scores, reverse=True)
    assert len(ranked_seen) == 3


def mlp_reference(x: np.ndarray) -> np.ndarray:
    """fp32 ``mlp()`` in numpy."""
    h = np.maximum(x @ W1, 0.0)
    h = np.maximum(h @ W2, 0.0)
    return h @ W3


def test_layer_macs_match_hand_counts():
    ops = pyvino.opset15
    x = ops.parameter([1, 4, 8, 8], "f32", name="x")
    w = np.zeros((6, 4, 3, 3), np.float32)
    conv = ops.convolution(
        x, w, strides=[1, 1], dilations=[1, 1], pads_begin=[1, 1], pads_end=[1, 1]
    )
    dw = ops.group_convolution(
        conv,
        np.zeros((6, 1, 1, 3, 3), np.float32),
        strides=[2, 2],
        dilations=[1, 1],
        pads_begin=[1, 1],
        pads_end=[1, 1],
    )
    assert layer_macs(conv) == 6 * 8 * 8 * 4 * 9
    assert layer_macs(dw) == 6 * 4 * 4 * 9


def test_max_drop_needs_validation_data_and_a_valid_value():
    with pytest.raises(pyvino.PyvinoError, match="validation samples"):
        quantize(mlp(), data(8), subset_size=8, max_drop=0.01)
    with pytest.raises(pyvino.PyvinoError, match="max_drop"):
        quantize(mlp(), data(20), subset_size=8, max_drop=1.5)


def test_cli_max_drop_reports_reverted_layers(tmp_path, capsys):
    pyvino.save_model(mlp(), tmp_path / "mlp.xml", compress_to_fp16=False)
    parser = argparse.ArgumentParser()
    _quantize.add_arguments(parser)
    args = parser.parse_args(
        [
            "-m",
            str(tmp_path / "mlp.xml"),
            "-o",
            str(tmp_path / "q.xml"),
            "--subset-size",
            "16",
            "--max-drop",
            "0.02",
            "--validation-size",
            "60",
            "--eval-size",
            "20",
            "--weight-range",
            "mse",
            "--progress",
            "false",
        ]
    )
    assert _quantize.run(args) == 0
    text = capsys.readouterr().out
    assert "reverted to fp32: 1 layer(s) (sensitive)" in text
    assert "of MACs quantized" in text
