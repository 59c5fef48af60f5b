"""LSTMSequence on the GPU kernels (input projection + per-work-group time loop) against the
op's reference ``evaluate``: every direction, clip, short and zero sequence lengths, other
activations, LSTMSequence-1's peepholes / input_forget / weights_format, a hidden size larger
than one work-group."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino

ops = pyvino.opset8


def lstm_case(
    rng: np.random.Generator, batch: int, steps: int, inputs: int, hidden: int, directions: int
) -> dict[str, np.ndarray]:
    scale = 1.0 / np.sqrt(hidden)
    shapes = {
        "W": (directions, 4 * hidden, inputs),
        "R": (directions, 4 * hidden, hidden),
        "B": (directions, 4 * hidden),
        "x": (batch, steps, inputs),
        "h0": (batch, directions, hidden),
        "c0": (batch, directions, hidden),
    }
    values = {k: rng.standard_normal(s).astype(np.float32) for k, s in shapes.items()}
    for k in ("W", "R", "B"):
        values[k] *= 2 * scale
    return values


def run_lstm(
    gpu,
    precision: str,
    v: dict[str, np.ndarray],
    lengths: np.ndarray,
    const_lengths: bool = False,
    opset: object = ops,
    **attrs: object,
):
    """Build X, H0, C0 (and sequence_lengths unless constant) as parameters, W/R/B constant;
    compare all three outputs with the reference evaluate; return the compiled model."""
    batch, steps, _ = v["x"].shape
    params = [ops.parameter(list(v[k].shape), "f32", name=k) for k in ("x", "h0", "c0")]
    lens = lengths if const_lengths else ops.parameter([batch], str(lengths.dtype), name="lens")
    extra = [v["P"]] if "P" in v else []
    node = opset.lstmsequence(
        *params, lens, v["W"], v["R"], v["B"], *extra, hidden_size=v["R"].shape[-1], **attrs
    )
    inputs = [v["x"], v["h0"], v["c0"]] + ([] if const_lengths else [lengths])
    expected = node.evaluate(v["x"], v["h0"], v["c0"], lengths, v["W"], v["R"], v["B"], *extra)
    model = pyvino.Model(
        [node.output(i) for i in range(3)], params + ([] if const_lengths else [lens]), "lstm"
    )
    return gpu.check(model, inputs, list(expected), precision)


@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
def test_lstm_directions_clip_and_lengths(gpu, precision, direction, kernel_variant) -> None:
    """Both weight layouts: the CPU-device one on PoCL and the GPU one ("tiled")."""
    rng = np.random.default_rng(1)
    v = lstm_case(
        rng,
        batch=4,
        steps=7,
        inputs=5,
        hidden=9,
        directions=2 if direction == "bidirectional" else 1,
    )
    lengths = np.array([7, 3, 0, 1], np.int32)  # full, shorter, empty, one step
    compiled = run_lstm(gpu, precision, v, lengths, direction=direction, clip=0.7)
    kinds = [launch.exec_type for launch in compiled.backend.plan.launches]
    assert kinds == ["lstm_input_gemm", "lstm_steps_wg"]


def test_lstm_other_activations_and_constant_lengths(gpu, precision) -> None:
    v = lstm_case(np.random.default_rng(2), batch=2, steps=5, inputs=3, hidden=6, directions=2)
    run_lstm(
        gpu,
        precision,
        v,
        np.array([5, 2], np.int64),
        const_lengths=True,
        direction="bidirectional",
        activations=["hardsigmoid", "relu", "tanh"],
        activations_alpha=[0.3],
        activations_beta=[0.4],
    )


def test_lstm_hidden_larger_than_a_work_group(gpu) -> None:
    """hidden 300 > 256 work-items: each work-item owns two hidden units."""
    v = lstm_case(np.random.default_rng(3), batch=1, steps=3, inputs=4, hidden=300, directions=1)
    run_lstm(gpu, "f32", v, np.array([3], np.int32), direction="forward")


def test_lstm_sequence_1_peepholes_input_forget_weights_format(
    gpu, precision, kernel_variant
) -> None:
    v = lstm_case(np.random.default_rng(4), batch=3, steps=4, inputs=3, hidden=5, directions=2)
    v["P"] = np.random.default_rng(5).standard_normal((2, 15)).astype(np.float32)
    run_lstm(
        gpu,
        precision,
        v,
        np.array([4, 2, 3], np.int32),
        opset=pyvino.opset1,
        direction="bidirectional",
        input_forget=True,
        weights_format="ifco",
        clip=2.0,
    )


def test_query_model_claims_lstm_with_constant_weights(core) -> None:
    v = lstm_case(np.random.default_rng(6), batch=1, steps=2, inputs=3, hidden=4, directions=1)
    x, h0, c0 = (ops.parameter(list(v[k].shape), "f32", name=k) for k in ("x", "h0", "c0"))
    w = ops.parameter(list(v["W"].shape), "f32", name="w")  # runtime weights: not on GPU

    def lstm(weights, name: str):  # noqa: ANN001, ANN202
        lengths = np.array([2], np.int32)
        return ops.lstmsequence(
            x, h0, c0, lengths, weights, v["R"], v["B"], hidden_size=4, direction="forward",
            name=name,
        )  # fmt: skip

    const, runtime = lstm(v["W"], "const_lstm"), lstm(w, "runtime_lstm")
    model = pyvino.Model([const.output(0), runtime.output(0)], [x, h0, c0, w], "q")
    claimed = core.query_model(model, "GPU")
    assert claimed["const_lstm"] == "GPU"
    assert "runtime_lstm" not in claimed


def test_constant_lengths_out_of_range_are_refused(gpu) -> None:
    v = lstm_case(np.random.default_rng(7), batch=2, steps=3, inputs=2, hidden=3, directions=1)
    x, h0, c0 = (ops.parameter(list(v[k].shape), "f32", name=k) for k in ("x", "h0", "c0"))
    node = ops.lstmsequence(
        x,
        h0,
        c0,
        np.array([3, 4], np.int32),
        v["W"],
        v["R"],
        v["B"],
        hidden_size=3,
        direction="forward",
        name="too_long",
    )
    model = pyvino.Model([node.output(0)], [x, h0, c0], "bad_lengths")
    with pytest.raises(pyvino.CompilationError, match=r"too_long.*sequence_lengths.*\[0, 3\]"):
        gpu.compile(model)
