"""Recurrent layers: LSTM, GRU and RNN as OpenVINO LSTMSequence / GRUSequence / RNNSequence-5.

ONNX lays data out [seq, batch, ...] (layout 0) and keeps LSTM gates in i,o,f,c order with
separate input/recurrence biases; OpenVINO wants [batch, seq, ...], gates f,i,c,o and one bias
(GRU keeps z,r,h and, with linear_before_reset, four bias blocks).
"""

from __future__ import annotations

from pyvino._node import Output
from pyvino.frontend.onnx._context import NodeContext
from pyvino.frontend.onnx.ops._common import (
    concat,
    convert,
    gather,
    i64,
    out,
    scalar_like,
    shape_of,
)

_ACTIVATIONS = {"sigmoid", "tanh", "relu"}
_DEFAULTS = {"LSTM": ["sigmoid", "tanh", "tanh"], "GRU": ["sigmoid", "tanh"], "RNN": ["tanh"]}
_GATES = {"LSTM": 4, "GRU": 3, "RNN": 1}


def _split_gates(ctx: NodeContext, w: Output, gates: int, axis: int) -> list[Output]:
    return ctx.ops.split(w, i64(axis), num_splits=gates).outputs()


def _lstm_order(ctx: NodeContext, w: Output, axis: int) -> Output:
    """ONNX i,o,f,c blocks -> OpenVINO f,i,c,o."""
    i, o, f, c = _split_gates(ctx, w, 4, axis)
    return concat(ctx, [f, i, c, o], axis)


def _activations(ctx: NodeContext, kind: str, gates: int) -> list[str]:
    given = [a.lower() for a in ctx.attr("activations", [])]
    acts = given[: len(_DEFAULTS[kind])] if given else _DEFAULTS[kind]
    bad = [a for a in acts if a not in _ACTIVATIONS]
    if bad:
        raise ctx.fail(
            f"activation(s) {', '.join(bad)} are not supported; expected Sigmoid, Tanh or Relu"
        )
    if len(given) > len(acts) and given[len(acts) :] != acts:
        raise ctx.fail(
            "bidirectional layers with different activations per direction are not supported"
        )
    return acts


def _batch_first(ctx: NodeContext, x: Output, layout: int) -> Output:
    return x if layout else out(ctx.ops.transpose(x, i64([1, 0, 2])))


def _state(
    ctx: NodeContext, index: int, x: Output, num_dir: int, hidden: int, layout: int
) -> Output:
    """Initial state as [batch, num_dir, H] (zeros when absent)."""
    given = ctx.optional_input(index)
    if given is not None:
        return given if layout else out(ctx.ops.transpose(given, i64([1, 0, 2])))
    batch = gather(ctx, shape_of(ctx, x), [0])
    target = concat(ctx, [batch, i64([num_dir, hidden])])
    return out(ctx.ops.broadcast(scalar_like(0, x), target, mode="numpy"))


def _bias(ctx: NodeContext, kind: str, w: Output, num_dir: int, hidden: int, lbr: bool) -> Output:
    gates = _GATES[kind]
    given = ctx.optional_input(3)
    if given is None:
        size = (gates + 1 if kind == "GRU" and lbr else gates) * hidden
        return out(ctx.ops.broadcast(scalar_like(0, w), i64([num_dir, size]), mode="numpy"))
    wb, rb = ctx.ops.split(given, i64(1), num_splits=2).outputs()
    if kind == "GRU" and lbr:  # [Wbz+Rbz, Wbr+Rbr, Wbh, Rbh]
        wz_r, wh = ctx.ops.variadic_split(wb, i64(1), i64([2 * hidden, hidden])).outputs()
        rz_r, rh = ctx.ops.variadic_split(rb, i64(1), i64([2 * hidden, hidden])).outputs()
        return concat(ctx, [out(ctx.ops.add(wz_r, rz_r)), wh, rh], 1)
    total = out(ctx.ops.add(wb, rb))
    return _lstm_order(ctx, total, 1) if kind == "LSTM" else total


def _recurrent(kind: str):
    def convert_fn(ctx: NodeContext) -> list[Output]:
        layout = ctx.attr("layout", 0) if ctx.opset_version >= 14 else 0
        direction = ctx.attr("direction", "forward")
        if direction not in ("forward", "reverse", "bidirectional"):
            raise ctx.fail(f"attribute 'direction' has unknown value {direction!r}")
        num_dir = 2 if direction == "bidirectional" else 1
        hidden = ctx.attr("hidden_size", None)
        w, r = ctx.input(1), ctx.input(2)
        if hidden is None:
            dim = r.partial_shape[2] if r.partial_shape.rank_is_static else None
            if dim is None or not dim.is_static:
                raise ctx.fail(
                    "attribute 'hidden_size' is missing and R's last dimension is dynamic"
                )
            hidden = dim.get_length()
        if kind == "LSTM" and ctx.has_input(7):
            raise ctx.fail("LSTM peepholes (input P) are not supported by OpenVINO LSTMSequence-5")
        if kind == "LSTM" and ctx.attr("input_forget", 0):
            raise ctx.fail("attribute 'input_forget'=1 is not supported")
        lbr = bool(ctx.attr("linear_before_reset", 0)) if kind == "GRU" else False
        x = _batch_first(ctx, ctx.input(0), layout)
        batch = gather(ctx, shape_of(ctx, x), [0])
        seq = gather(ctx, shape_of(ctx, x), [1])
        lens = ctx.optional_input(4)
        lens = (
            convert(ctx, lens, "i32")
            if lens is not None
            else out(ctx.ops.broadcast(convert(ctx, seq, "i32"), batch, mode="numpy"))
        )
        h0 = _state(ctx, 5, x, num_dir, hidden, layout)
        b = _bias(ctx, kind, w, num_dir, hidden, lbr)
        if kind == "LSTM":
            w, r = _lstm_order(ctx, w, 1), _lstm_order(ctx, r, 1)
        attrs: dict = dict(
            hidden_size=hidden,
            direction=direction,
            activations=_activations(ctx, kind, _GATES[kind]),
            activations_alpha=list(ctx.attr("activation_alpha", [])),
            activations_beta=list(ctx.attr("activation_beta", [])),
            clip=ctx.attr("clip", 0.0),
        )
        if kind == "LSTM":
            c0 = _state(ctx, 6, x, num_dir, hidden, layout)
            node = ctx.ops.lstm_sequence(x, h0, c0, lens, w, r, b, **attrs)
        elif kind == "GRU":
            node = ctx.ops.gru_sequence(x, h0, lens, w, r, b, linear_before_reset=lbr, **attrs)
        else:
            node = ctx.ops.rnn_sequence(x, h0, lens, w, r, b, **attrs)
        y = node.output(0)  # [batch, num_dir, seq, H]
        y = out(ctx.ops.transpose(y, i64([0, 2, 1, 3] if layout else [2, 1, 0, 3])))
        states = [node.output(k) for k in range(1, node.get_output_size())]
        if not layout:
            states = [out(ctx.ops.transpose(s, i64([1, 0, 2]))) for s in states]
        return [y, *states]

    return convert_fn


CONVERTERS = [
    ("LSTM", 1, _recurrent("LSTM")),
    ("GRU", 1, _recurrent("GRU")),
    ("RNN", 1, _recurrent("RNN")),
]
