"""Recurrent cells and sequences against onnx.reference (after re-ordering gates and biases) and
against per-row numpy step loops written here independently of the implementation."""

from __future__ import annotations

import numpy as np
import pytest
import pyvino
from pyvino_opsets.rnn import GRUCell3, LSTMCell1, LSTMCell4, RNNCell1
from pyvino_opsets.rnn_sequences import GRUSequence5, LSTMSequence1, LSTMSequence5, RNNSequence5

rng = np.random.default_rng(7)
B, T, IN, HS = 3, 4, 5, 3
ONNX_DIRS = {"forward": 1, "reverse": 1, "bidirectional": 2}


def rand(*shape: int, scale: float = 0.6) -> np.ndarray:
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def params(arrays: list[np.ndarray]) -> list[pyvino.Parameter]:
    return [pyvino.Parameter(pyvino.Type.get(a.dtype), a.shape) for a in arrays]


def run(cls, arrays: list[np.ndarray], **attrs) -> tuple[np.ndarray, ...]:
    node = cls(params(arrays), attrs)
    outs = node.evaluate(*arrays)
    for i, o in enumerate(outs):  # evaluate agrees with infer
        assert node.get_output_partial_shape(i).to_shape() == o.shape
        assert o.dtype == arrays[0].dtype
    return outs


# ---------------------------------------------------------------- ONNX <-> OpenVINO layouts
def blocks(a: np.ndarray, n: int, order: list[int], axis: int) -> np.ndarray:
    parts = np.split(a, n, axis=axis)
    return np.concatenate([parts[k] for k in order], axis=axis)


def lstm_to_ov(w, r, b, p=None):
    """ONNX i,o,f,c weights, [Wb|Rb] biases and i,o,f peepholes -> OpenVINO f,i,c,o / f,i,o."""
    order = [2, 0, 3, 1]
    wb, rb = np.split(b, 2, axis=-1)
    out = [blocks(w, 4, order, -2), blocks(r, 4, order, -2), blocks(wb + rb, 4, order, -1)]
    return out + ([] if p is None else [blocks(p, 3, [2, 0, 1], -1)])


def gru_bias_to_ov(b: np.ndarray, linear_before_reset: bool) -> np.ndarray:
    wb, rb = np.split(b, 2, axis=-1)
    if not linear_before_reset:
        return wb + rb
    n = wb.shape[-1] // 3
    return np.concatenate(
        [wb[..., : 2 * n] + rb[..., : 2 * n], wb[..., 2 * n :], rb[..., 2 * n :]], -1
    )


def onnx_seq(onnx_ref, op, x, h, *rest, n_out, **attrs):
    """Run an ONNX recurrent node on batch-first data; outputs converted to OpenVINO layout."""
    outs = onnx_ref(
        op,
        [x.transpose(1, 0, 2), *rest[:3], None, h.transpose(1, 0, 2), *rest[3:]],
        n_outputs=n_out,
        hidden_size=HS,
        **attrs,
    )
    return [outs[0].transpose(2, 1, 0, 3)] + [o.transpose(1, 0, 2) for o in outs[1:]]


# ---------------------------------------------------------------- sequences vs onnx
@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
def test_lstm_sequence_matches_onnx(onnx_ref, direction):
    d = ONNX_DIRS[direction]
    x, h, c = rand(B, T, IN), rand(B, d, HS), rand(B, d, HS)
    w, r, b = rand(d, 4 * HS, IN), rand(d, 4 * HS, HS), rand(d, 8 * HS)
    lengths = np.full(B, T, np.int32)
    want = onnx_seq(
        onnx_ref, "LSTM", x, h, w, r, b, c.transpose(1, 0, 2), n_out=3, direction=direction
    )
    got = run(
        LSTMSequence5, [x, h, c, lengths, *lstm_to_ov(w, r, b)], hidden_size=HS, direction=direction
    )
    for g, e in zip(got, want, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("direction", ["forward", "bidirectional"])
def test_lstm_sequence1_peepholes_match_onnx(onnx_ref, direction):
    d = ONNX_DIRS[direction]
    x, h, c = rand(B, T, IN), rand(B, d, HS), rand(B, d, HS)
    w, r, b, p = rand(d, 4 * HS, IN), rand(d, 4 * HS, HS), rand(d, 8 * HS), rand(d, 3 * HS)
    want = onnx_seq(
        onnx_ref, "LSTM", x, h, w, r, b, c.transpose(1, 0, 2), p, n_out=3, direction=direction
    )
    lengths = np.full(B, T, np.int64)
    got = run(
        LSTMSequence1,
        [x, h, c, lengths, *lstm_to_ov(w, r, b, p)],
        hidden_size=HS,
        direction=direction,
    )
    for g, e in zip(got, want, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-5)


def test_lstm_sequence1_weights_format_takes_onnx_order(onnx_ref):
    x, h, c = rand(B, T, IN), rand(B, 1, HS), rand(B, 1, HS)
    w, r, b = rand(1, 4 * HS, IN), rand(1, 4 * HS, HS), rand(1, 8 * HS)
    want = onnx_seq(onnx_ref, "LSTM", x, h, w, r, b, c.transpose(1, 0, 2), n_out=3)
    wb, rb = np.split(b, 2, axis=-1)
    got = run(
        LSTMSequence1,
        [x, h, c, np.full(B, T, np.int32), w, r, wb + rb],
        hidden_size=HS,
        direction="forward",
        weights_format="iofc",
    )
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
@pytest.mark.parametrize("lbr", [False, True])
def test_gru_sequence_matches_onnx(onnx_ref, direction, lbr):
    d = ONNX_DIRS[direction]
    x, h = rand(B, T, IN), rand(B, d, HS)
    w, r, b = rand(d, 3 * HS, IN), rand(d, 3 * HS, HS), rand(d, 6 * HS)
    want = onnx_seq(
        onnx_ref, "GRU", x, h, w, r, b, n_out=2, direction=direction, linear_before_reset=int(lbr)
    )
    got = run(
        GRUSequence5,
        [x, h, np.full(B, T, np.int32), w, r, gru_bias_to_ov(b, lbr)],
        hidden_size=HS,
        direction=direction,
        linear_before_reset=lbr,
    )
    for g, e in zip(got, want, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
def test_rnn_sequence_matches_onnx(onnx_ref, direction):
    d = ONNX_DIRS[direction]
    x, h = rand(B, T, IN), rand(B, d, HS)
    w, r, b = rand(d, HS, IN), rand(d, HS, HS), rand(d, 2 * HS)
    want = onnx_seq(onnx_ref, "RNN", x, h, w, r, b, n_out=2, direction=direction)
    wb, rb = np.split(b, 2, axis=-1)
    got = run(
        RNNSequence5,
        [x, h, np.full(B, T, np.int32), w, r, wb + rb],
        hidden_size=HS,
        direction=direction,
    )
    for g, e in zip(got, want, strict=True):
        np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-5)


def test_rnn_sequence_relu_reverse_matches_step_loop():
    x, h = rand(B, T, IN), rand(B, 1, HS)
    w, r, b = rand(1, HS, IN), rand(1, HS, HS), rand(1, HS)
    lengths = np.array([4, 2, 3], np.int32)
    y, ho = run(
        RNNSequence5,
        [x, h, lengths, w, r, b],
        hidden_size=HS,
        direction="reverse",
        activations=["relu"],
    )
    for row, n in enumerate(lengths):
        ht = h[row, 0]
        for t in reversed(range(n)):
            ht = np.maximum(w[0] @ x[row, t] + r[0] @ ht + b[0], 0)
            np.testing.assert_allclose(y[row, 0, t], ht, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ho[row, 0], ht, rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(y[row, 0, n:], 0)


# ---------------------------------------------------------------- sequence_lengths masking
@pytest.mark.parametrize("direction", ["forward", "reverse", "bidirectional"])
def test_lstm_sequence_lengths_match_onnx_on_truncated_rows(onnx_ref, direction):
    """Row b of length L equals ONNX on X[b, :L]; Y past L is zero."""
    d = ONNX_DIRS[direction]
    x, h, c = rand(B, T, IN), rand(B, d, HS), rand(B, d, HS)
    w, r, b = rand(d, 4 * HS, IN), rand(d, 4 * HS, HS), rand(d, 8 * HS)
    lengths = np.array([2, 4, 1], np.int32)
    y, ho, co = run(
        LSTMSequence5, [x, h, c, lengths, *lstm_to_ov(w, r, b)], hidden_size=HS, direction=direction
    )
    for row, n in enumerate(lengths):
        sl = slice(row, row + 1)
        want = onnx_seq(
            onnx_ref,
            "LSTM",
            x[sl, :n],
            h[sl],
            w,
            r,
            b,
            c[sl].transpose(1, 0, 2),
            n_out=3,
            direction=direction,
        )
        np.testing.assert_allclose(y[sl, :, :n], want[0], rtol=1e-5, atol=1e-5)
        np.testing.assert_array_equal(y[sl, :, n:], 0)
        np.testing.assert_allclose(ho[sl], want[1], rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(co[sl], want[2], rtol=1e-5, atol=1e-5)


def test_gru_zero_length_row_keeps_initial_state():
    x, h = rand(2, T, IN), rand(2, 1, HS)
    w, r, b = rand(1, 3 * HS, IN), rand(1, 3 * HS, HS), rand(1, 3 * HS)
    y, ho = run(
        GRUSequence5,
        [x, h, np.array([0, 3], np.int64), w, r, b],
        hidden_size=HS,
        direction="reverse",
    )
    np.testing.assert_array_equal(y[0], 0)
    np.testing.assert_array_equal(ho[0], h[0])
    np.testing.assert_array_equal(y[1, :, 3:], 0)
    assert np.abs(y[1, :, :3]).min() > 0


# ---------------------------------------------------------------- hand-written step loops
def sig(v):
    return 1 / (1 + np.exp(-v))


def ref_lstm_row(
    x, h, c, w, r, b, p, *, f=sig, g=np.tanh, hh=np.tanh, clip=0.0, input_forget=False
):
    """One batch row, one direction, OpenVINO gate order f,i,c,o; peepholes f,i,o."""
    cl = (lambda v: np.clip(v, -clip, clip)) if clip else (lambda v: v)
    ys = []
    for xt in x:
        pre = w @ xt + r @ h + b
        pf, pi, pc, po = np.split(pre, 4)
        ft = f(cl(pf + p[:HS] * c))
        it = 1 - ft if input_forget else f(cl(pi + p[HS : 2 * HS] * c))
        c = ft * c + it * g(cl(pc))
        h = f(cl(po + p[2 * HS :] * c)) * hh(c)
        ys.append(h)
    return np.array(ys), h, c


def test_lstm_sequence1_clip_input_forget_hardsigmoid_match_step_loop():
    x, h, c = rand(B, T, IN, scale=2), rand(B, 1, HS), rand(B, 1, HS)
    w, r, b, p = rand(1, 4 * HS, IN, scale=2), rand(1, 4 * HS, HS), rand(1, 4 * HS), rand(1, 3 * HS)
    y, ho, co = run(
        LSTMSequence1,
        [x, h, c, np.full(B, T, np.int32), w, r, b, p],
        hidden_size=HS,
        direction="forward",
        clip=0.7,
        input_forget=True,
        activations=["hardsigmoid", "relu", "tanh"],
        activations_alpha=[0.3],
        activations_beta=[0.4],
    )
    hard = lambda v: np.clip(0.3 * v + 0.4, 0, 1)  # noqa: E731
    for row in range(B):
        ys, hn, cn = ref_lstm_row(
            x[row],
            h[row, 0],
            c[row, 0],
            w[0],
            r[0],
            b[0],
            p[0],
            f=hard,
            g=lambda v: np.maximum(v, 0),
            clip=0.7,
            input_forget=True,
        )
        np.testing.assert_allclose(y[row, 0], ys, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ho[row, 0], hn, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(co[row, 0], cn, rtol=1e-5, atol=1e-6)


def test_gru_clip_matches_step_loop():
    x, h = rand(1, T, IN, scale=3), rand(1, 1, HS)
    w, r, b = rand(1, 3 * HS, IN, scale=2), rand(1, 3 * HS, HS), rand(1, 3 * HS)
    y, _ = run(
        GRUSequence5, [x, h, np.array([T]), w, r, b], hidden_size=HS, direction="forward", clip=0.5
    )
    ht = h[0, 0]
    for t in range(T):
        cl = lambda v: np.clip(v, -0.5, 0.5)  # noqa: E731
        z = sig(cl(w[0, :HS] @ x[0, t] + r[0, :HS] @ ht + b[0, :HS]))
        rr = sig(cl(w[0, HS : 2 * HS] @ x[0, t] + r[0, HS : 2 * HS] @ ht + b[0, HS : 2 * HS]))
        cand = np.tanh(cl(w[0, 2 * HS :] @ x[0, t] + r[0, 2 * HS :] @ (rr * ht) + b[0, 2 * HS :]))
        ht = (1 - z) * cand + z * ht
        np.testing.assert_allclose(y[0, 0, t], ht, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- cells
def test_lstm_cells_match_onnx_single_step(onnx_ref):
    x, h, c = rand(B, IN), rand(B, HS), rand(B, HS)
    w, r, b, p = rand(1, 4 * HS, IN), rand(1, 4 * HS, HS), rand(1, 8 * HS), rand(1, 3 * HS)
    want = onnx_ref(
        "LSTM", [x[None], w, r, b, None, h[None], c[None], p], n_outputs=3, hidden_size=HS
    )
    ow, orr, ob, op = (a[0] for a in lstm_to_ov(w, r, b, p))
    got1 = run(LSTMCell1, [x, h, c, ow, orr, ob, op], hidden_size=HS)
    np.testing.assert_allclose(got1[0], want[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got1[1], want[2][0], rtol=1e-5, atol=1e-6)
    want4 = onnx_ref(
        "LSTM", [x[None], w, r, b, None, h[None], c[None]], n_outputs=3, hidden_size=HS
    )
    got4 = run(LSTMCell4, [x, h, c, ow, orr, ob], hidden_size=HS)
    np.testing.assert_allclose(got4[0], want4[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got4[1], want4[2][0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("lbr", [False, True])
def test_gru_cell_matches_onnx(onnx_ref, lbr):
    x, h = rand(B, IN), rand(B, HS)
    w, r, b = rand(1, 3 * HS, IN), rand(1, 3 * HS, HS), rand(1, 6 * HS)
    want = onnx_ref(
        "GRU",
        [x[None], w, r, b, None, h[None]],
        n_outputs=2,
        hidden_size=HS,
        linear_before_reset=int(lbr),
    )
    (got,) = run(
        GRUCell3,
        [x, h, w[0], r[0], gru_bias_to_ov(b, lbr)[0]],
        hidden_size=HS,
        linear_before_reset=lbr,
    )
    np.testing.assert_allclose(got, want[1][0], rtol=1e-5, atol=1e-6)


def test_rnn_cell_matches_onnx_and_bias_defaults_to_zero(onnx_ref):
    x, h, w, r = rand(B, IN), rand(B, HS), rand(1, HS, IN), rand(1, HS, HS)
    want = onnx_ref("RNN", [x[None], w, r, None, None, h[None]], n_outputs=2, hidden_size=HS)
    (got,) = run(RNNCell1, [x, h, w[0], r[0]], hidden_size=HS)
    np.testing.assert_allclose(got, want[1][0], rtol=1e-5, atol=1e-6)


def test_f16_cell_keeps_type():
    arrays = [rand(B, IN), rand(B, HS), rand(3 * HS, IN), rand(3 * HS, HS)]
    (got,) = run(GRUCell3, [a.astype(np.float16) for a in arrays], hidden_size=HS)
    (ref,) = GRUCell3(params(arrays), {"hidden_size": HS}).evaluate(*arrays)
    np.testing.assert_allclose(got.astype(np.float32), ref, atol=3e-3)


# ---------------------------------------------------------------- shapes, builder, errors
def test_dynamic_shapes_propagate(opset):
    ops = opset(15)
    x, h, c = (
        ops.parameter([-1, "1..8", IN]),
        ops.parameter([-1, 2, HS]),
        ops.parameter([-1, 2, HS]),
    )
    lengths = ops.parameter([-1], "i32")
    node = ops.lstm_sequence(
        x,
        h,
        c,
        lengths,
        rand(2, 4 * HS, IN),
        rand(2, 4 * HS, HS),
        rand(2, 4 * HS),
        hidden_size=HS,
        direction="bidirectional",
    )
    assert str(node.get_output_partial_shape(0)) == f"[?,2,1..8,{HS}]"
    assert str(node.get_output_partial_shape(2)) == f"[?,2,{HS}]"
    assert type(node) is LSTMSequence5
    assert opset(3).op_class("LSTMCell") is LSTMCell1 and opset(4).op_class("LSTMCell") is LSTMCell4
    assert (
        opset(4).op_class("LSTMSequence") is LSTMSequence1
        and opset(5).op_class("GRUSequence") is GRUSequence5
    )
    assert "RNNCell" not in opset(2).opset and opset(3).op_class("RNNCell") is RNNCell1


@pytest.mark.parametrize(
    "attrs, shapes, message",
    [
        ({"hidden_size": 4}, None, "hidden_size"),
        ({"hidden_size": HS, "activations": ["tanh"]}, None, "activations"),
        ({"hidden_size": HS, "activations": ["sigmoid", "swish"]}, None, "unsupported"),
        ({"hidden_size": HS}, {2: (2 * HS, IN)}, "W dimension 0"),
        ({"hidden_size": HS}, {0: (B + 1, IN)}, "batch size"),
        ({"hidden_size": HS}, {4: (4 * HS,)}, "B dimension 0"),
    ],
)
def test_invalid_gru_cells_raise_typed_errors(attrs, shapes, message):
    sizes = {0: (B, IN), 1: (B, HS), 2: (3 * HS, IN), 3: (3 * HS, HS), 4: (3 * HS,)}
    sizes.update(shapes or {})
    with pytest.raises(pyvino.OpValidationError, match=message):
        GRUCell3([pyvino.Parameter("f32", s) for s in sizes.values()], attrs)


def test_direction_must_match_num_directions():
    arrays = [
        rand(B, T, IN),
        rand(B, 1, HS),
        np.full(B, T, np.int32),
        rand(1, HS, IN),
        rand(1, HS, HS),
        rand(1, HS),
    ]
    with pytest.raises(pyvino.OpValidationError, match="num_directions"):
        RNNSequence5(params(arrays), {"hidden_size": HS, "direction": "bidirectional"})
    with pytest.raises(pyvino.OpValidationError, match="direction"):
        RNNSequence5(params(arrays), {"hidden_size": HS, "direction": "sideways"})
    node = RNNSequence5(params(arrays), {"hidden_size": HS, "direction": "forward"})
    with pytest.raises(pyvino.OpValidationError, match="sequence_lengths"):
        node.evaluate(*arrays[:2], np.array([1, 9, 2], np.int32), *arrays[3:])
