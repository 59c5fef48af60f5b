"""The numba LSTMSequence kernel against the reference evaluate (directions, lengths, clip,
activations, LSTMSequence-1 peepholes / input_forget / weights_format)."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino import InferenceError, Model

from .conftest import rand

LSTM_EXEC = ("EXECUTED", "numba_lstm_sequence_FP32")


def _weights(dirs: int, hidden: int, inputs: int, seed: int) -> list[np.ndarray]:
    scale = 1.0 / np.sqrt(hidden)
    return [
        rand(dirs, 4 * hidden, inputs, seed=seed, scale=scale),
        rand(dirs, 4 * hidden, hidden, seed=seed + 1, scale=scale),
        rand(dirs, 4 * hidden, seed=seed + 2, scale=scale),
    ]


def _model(
    batch: int, steps: int, inputs: int, hidden: int, direction: str, opset: int = 5, **attrs
) -> tuple[Model, list[np.ndarray]]:
    """LSTMSequence with X, H0, C0 and sequence_lengths as parameters; constant weights."""
    ops = getattr(pyvino, f"opset{opset}")
    dirs = 2 if direction == "bidirectional" else 1
    x = ops.parameter([batch, steps, inputs], "f32", name="x")
    h0 = ops.parameter([batch, dirs, hidden], "f32", name="h0")
    c0 = ops.parameter([batch, dirs, hidden], "f32", name="c0")
    lengths = ops.parameter([batch], "i32", name="lengths")
    extra = attrs.pop("peepholes", None)
    consts = _weights(dirs, hidden, inputs, seed=10)
    if extra is not None:
        consts.append(rand(dirs, 3 * hidden, seed=20, scale=0.3))
    node = ops.lstm_sequence(
        x, h0, c0, lengths, *consts, hidden_size=hidden, direction=direction, name="lstm", **attrs
    )
    model = Model([node.output(k) for k in range(3)], [x, h0, c0, lengths])
    data = [
        rand(batch, steps, inputs, seed=1),
        rand(batch, dirs, hidden, seed=2, scale=0.5),
        rand(batch, dirs, hidden, seed=3, scale=0.5),
    ]
    return model, data


@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
@pytest.mark.parametrize(("batch", "steps", "inputs", "hidden"), [(1, 7, 5, 8), (3, 12, 16, 24)])
def test_directions_and_shapes(check, direction, batch, steps, inputs, hidden):
    model, data = _model(batch, steps, inputs, hidden, direction)
    lengths = np.full(batch, steps, np.int32)
    assert check(model, [*data, lengths])["lstm"] == LSTM_EXEC


@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
def test_sequence_lengths_zero_and_partial(check, direction):
    """Rows past their length: Y zero, states hold (length 0 returns the initial states)."""
    model, data = _model(4, 9, 6, 10, direction)
    assert check(model, [*data, np.array([9, 0, 4, 1], np.int32)])["lstm"] == LSTM_EXEC


def test_clip_and_other_activations(check):
    model, data = _model(
        2,
        6,
        4,
        12,
        "bidirectional",
        clip=0.7,
        activations=["hardsigmoid", "relu", "tanh"],
        activations_alpha=[0.3],
        activations_beta=[0.4],
    )
    data[0] *= 4.0  # push pre-activations past the clip
    assert check(model, [*data, np.array([6, 3], np.int32)])["lstm"] == LSTM_EXEC


def test_hardsigmoid_defaults_when_alpha_is_missing(check):
    model, data = _model(2, 5, 3, 6, "forward", activations=["sigmoid", "tanh", "hardsigmoid"])
    assert check(model, [*data, np.array([5, 2], np.int32)])["lstm"] == LSTM_EXEC


@pytest.mark.parametrize("weights_format", ["fico", "ifco", "iofc"])
@pytest.mark.parametrize("input_forget", [False, True])
def test_lstm_sequence_1_peepholes_and_formats(check, weights_format, input_forget):
    model, data = _model(
        2,
        5,
        4,
        6,
        "bidirectional",
        opset=1,
        peepholes=True,
        weights_format=weights_format,
        input_forget=input_forget,
    )
    assert check(model, [*data, np.array([5, 3], np.int32)])["lstm"] == LSTM_EXEC


def test_bad_sequence_lengths_name_the_node(core):
    model, data = _model(2, 4, 3, 5, "forward")
    compiled = core.compile_model(model, "CPU")
    with pytest.raises(InferenceError, match="'lstm'.*sequence_lengths"):
        compiled([*data, np.array([4, 5], np.int32)])


def _dynamic_batch_model() -> Model:
    ops = pyvino.opset5
    x = ops.parameter([-1, -1, 3], "f32", name="x")
    h0 = ops.parameter([-1, 1, 5], "f32", name="h0")
    c0 = ops.parameter([-1, 1, 5], "f32", name="c0")
    lengths = ops.parameter([-1], "i32", name="lengths")
    node = ops.lstm_sequence(
        x, h0, c0, lengths, *_weights(1, 5, 3, 0), hidden_size=5, direction="forward", name="lstm"
    )
    return Model([node.output(k) for k in range(3)], [x, h0, c0, lengths])


@pytest.mark.parametrize(("batch", "steps"), [(2, 4), (5, 1)])
def test_dynamic_batch_and_length(check, batch, steps):
    data = [rand(batch, steps, 3), rand(batch, 1, 5, seed=1), rand(batch, 1, 5, seed=2)]
    lengths = np.arange(batch, dtype=np.int32) % (steps + 1)
    assert check(_dynamic_batch_model(), [*data, lengths])["lstm"] == LSTM_EXEC


def test_states_of_another_batch_are_refused(core):
    compiled = core.compile_model(_dynamic_batch_model(), "CPU")
    data = [rand(2, 4, 3), rand(3, 1, 5), rand(3, 1, 5), np.array([4, 2], np.int32)]
    with pytest.raises(InferenceError, match="'lstm'"):
        compiled(data)
