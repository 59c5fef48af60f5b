"""A tiny ONNX graph builder shared by the zoo models.

`GraphBuilder` accumulates nodes and initializers under auto-generated unique names and draws
seeded weights. CNN inputs declared with a calibration shape carry a random batch that the
conv-family helpers evaluate eagerly (`_calibrate`), so every BatchNormalization gets the running
mean/var of the activations it actually sees, as in a trained network: 50-layer stacks then
neither explode nor vanish.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import onnx
from onnx import helper, numpy_helper

from pyvino.zoo._calibrate import channel_stats, conv2d, maxpool2d, upsample2x

OPSET = 17
IR_VERSION = 8

Shape = Sequence[int | str | None]


class GraphBuilder:
    """Accumulates an ONNX graph; every helper returns the name of its output tensor."""

    def __init__(self, name: str, seed: int) -> None:
        self.name = name
        self.rng = np.random.default_rng(seed)
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.inputs: list[onnx.ValueInfoProto] = []
        self.outputs: list[onnx.ValueInfoProto] = []
        self.channels: dict[str, int] = {}
        self.values: dict[str, np.ndarray] = {}
        self._used: set[str] = set()
        self._scope: list[str] = []
        self._scalars: dict[tuple[str, str, bytes] | None, str] = {}

    # -- names, inputs, constants -------------------------------------------------------------

    def unique(self, base: str) -> str:
        """A fresh name `scope/base_N` that no tensor or node of this graph uses yet."""
        prefix = "/".join([*self._scope, base])
        i = 0
        while f"{prefix}_{i}" in self._used:
            i += 1
        self._used.add(f"{prefix}_{i}")
        return f"{prefix}_{i}"

    @contextmanager
    def scope(self, name: str) -> Iterator[None]:
        """Prefix every name created inside the `with` block (`layer1.0/Conv_0`)."""
        self._scope.append(name)
        try:
            yield
        finally:
            self._scope.pop()

    def input(
        self, name: str, elem_type: int, shape: Shape, calibration: Sequence[int] | None = None
    ) -> str:
        """Declare a graph input; an NCHW `calibration` shape feeds a random N(0, 1) batch."""
        self._used.add(name)
        self.inputs.append(helper.make_tensor_value_info(name, elem_type, list(shape)))
        if calibration is not None:
            self.channels[name] = int(calibration[1])
            self.values[name] = self.rng.standard_normal(tuple(calibration), dtype=np.float32)
        return name

    def const(self, value: Any, base: str = "const", dtype: Any = np.float32) -> str:
        """An initializer holding `value` (converted to `dtype`); scalars are shared by name."""
        array = np.asarray(value, dtype=dtype)
        key = (base, array.dtype.str, array.tobytes()) if array.ndim == 0 else None
        if key in self._scalars:
            return self._scalars[key]
        name = self.unique(base)
        self.initializers.append(numpy_helper.from_array(array, name))
        if key is not None:
            self._scalars[key] = name
        return name

    def normal(self, shape: Sequence[int], std: float, base: str, mean: float = 0.0) -> str:
        """A float32 initializer drawn from N(mean, std²)."""
        return self.const(self.gaussian(shape, std, mean), base)

    def gaussian(self, shape: Sequence[int], std: float, mean: float = 0.0) -> np.ndarray:
        """A float32 N(mean, std²) sample (drawn in float32: twice as fast for big tensors)."""
        x = self.rng.standard_normal(tuple(shape), dtype=np.float32)
        x *= np.float32(std)
        return x + np.float32(mean) if mean else x

    def uniform(self, shape: Sequence[int], lo: float, hi: float, base: str) -> str:
        """A float32 initializer drawn from U(lo, hi)."""
        return self.const(self.rng.uniform(lo, hi, size=tuple(shape)), base)

    # -- generic nodes ------------------------------------------------------------------------

    def op(self, op_type: str, inputs: Sequence[str], n_out: int = 1, **attrs: Any) -> Any:
        """Append one node; returns its output name, or a list of names when `n_out > 1`."""
        outs = [self.unique(f"{op_type}_out") for _ in range(n_out)]
        self.nodes.append(
            helper.make_node(op_type, list(inputs), outs, name=self.unique(op_type), **attrs)
        )
        if inputs and inputs[0] in self.channels:
            self.channels[outs[0]] = self.channels[inputs[0]]
        return outs[0] if n_out == 1 else outs

    def _eval(self, out: str, fn: Callable[..., np.ndarray], *inputs: str) -> str:
        """Record the calibration value of `out` when every input has one."""
        if all(x in self.values for x in inputs):
            self.values[out] = fn(*(self.values[x] for x in inputs)).astype(np.float32)
        return out

    def relu(self, x: str) -> str:
        """ReLU."""
        return self._eval(self.op("Relu", [x]), lambda v: np.maximum(v, 0), x)

    def relu6(self, x: str) -> str:
        """ReLU6 written as Clip(x, 0, 6), as PyTorch exports it."""
        lo, hi = self.const(0.0, "clip_min"), self.const(6.0, "clip_max")
        return self._eval(self.op("Clip", [x, lo, hi]), lambda v: np.clip(v, 0, 6), x)

    def leaky_relu(self, x: str, alpha: float = 0.1) -> str:
        """LeakyReLU (YOLO's activation)."""
        out = self.op("LeakyRelu", [x], alpha=alpha)
        return self._eval(out, lambda v: np.where(v > 0, v, alpha * v), x)

    def add(self, a: str, b: str) -> str:
        """Elementwise sum (residual connections)."""
        return self._eval(self.op("Add", [a, b]), np.add, a, b)

    def concat(self, xs: Sequence[str]) -> str:
        """Concat along channels."""
        out = self.op("Concat", list(xs), axis=1)
        self.channels[out] = sum(self.channels[x] for x in xs)
        return self._eval(out, lambda *v: np.concatenate(v, axis=1), *xs)

    def maxpool(self, x: str, k: int, stride: int, pad: int = 0) -> str:
        """MaxPool2d."""
        out = self.op("MaxPool", [x], kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4)
        return self._eval(out, lambda v: maxpool2d(v, k, stride, pad), x)

    def upsample2x(self, x: str, mode: str = "nearest") -> str:
        """Resize by scales [1,1,2,2]: `nearest` (YOLO) or `linear` (UNet, half-pixel)."""
        scales = self.const([1.0, 1.0, 2.0, 2.0], "resize_scales")
        attrs: dict[str, Any] = {"mode": mode}
        if mode == "nearest":
            attrs.update(coordinate_transformation_mode="asymmetric", nearest_mode="floor")
        else:
            attrs.update(coordinate_transformation_mode="half_pixel")
        out = self.op("Resize", [x, "", scales], **attrs)
        return self._eval(out, lambda v: upsample2x(v, mode), x)

    # -- layers with weights ------------------------------------------------------------------

    def conv(
        self,
        x: str,
        cout: int,
        k: int,
        stride: int = 1,
        pad: int | None = None,
        group: int = 1,
        bias: bool = False,
        std: float | None = None,
    ) -> str:
        """Conv2d, Kaiming-normal weights (std = sqrt(2 / fan_in)) unless `std` is given."""
        cin = self.channels[x]
        fan_in = cin // group * k * k
        w = self.gaussian((cout, cin // group, k, k), std or np.sqrt(2.0 / fan_in))
        bvec = self.gaussian((cout,), 0.01) if bias else None
        inputs = [x, self.const(w, "conv.weight")]
        if bvec is not None:
            inputs.append(self.const(bvec, "conv.bias"))
        p = k // 2 if pad is None else pad
        out = self.op(
            "Conv", inputs, kernel_shape=[k, k], strides=[stride, stride], pads=[p] * 4, group=group
        )
        self.channels[out] = cout
        return self._eval(out, lambda v: conv2d(v, w, bvec, stride, p, group), x)

    def bn(self, x: str, gamma: tuple[float, float] = (0.7, 1.2), eps: float = 1e-5) -> str:
        """BatchNormalization whose running mean/var are the calibration batch's statistics."""
        c = self.channels[x]
        if x not in self.values:
            raise ValueError(
                f"{self.name}: BatchNormalization input {x!r} has no calibration value"
            )
        mean, var = channel_stats(self.values[x])
        scale = self.rng.uniform(*gamma, size=c)
        beta = self.rng.normal(0.0, 0.1, size=c)
        params = [(scale, "weight"), (beta, "bias"), (mean, "running_mean"), (var, "running_var")]
        names = [self.const(v, f"bn.{n}") for v, n in params]
        out = self.op("BatchNormalization", [x, *names], epsilon=eps)
        affine = (scale / np.sqrt(var + eps))[None, :, None, None]
        shift = (beta - mean * scale / np.sqrt(var + eps))[None, :, None, None]
        return self._eval(out, lambda v: v * affine + shift, x)

    def conv_bn(self, x: str, cout: int, k: int, stride: int = 1, group: int = 1, **bn: Any) -> str:
        """Conv (no bias) followed by BatchNormalization."""
        return self.bn(self.conv(x, cout, k, stride, group=group), **bn)

    def gemm(self, x: str, din: int, dout: int) -> str:
        """A PyTorch-style Linear as Gemm(transB=1), U(±1/sqrt(din)) weights."""
        bound = 1.0 / np.sqrt(din)
        w = self.uniform([dout, din], -bound, bound, "fc.weight")
        b = self.uniform([dout], -bound, bound, "fc.bias")
        return self.op("Gemm", [x, w, b], transB=1)

    def linear(self, x: str, din: int, dout: int, std: float = 0.02) -> str:
        """A BERT-style dense layer: MatMul by a [din, dout] weight, then Add a bias."""
        y = self.op("MatMul", [x, self.normal([din, dout], std, "dense.weight")])
        return self.op("Add", [y, self.normal([dout], std, "dense.bias")])

    # -- finishing ----------------------------------------------------------------------------

    def output(self, tensor: str, name: str, elem_type: int, shape: Shape | None) -> str:
        """Rename `tensor` to the graph output `name` and declare it."""
        for node in self.nodes:
            for seq in (node.output, node.input):
                for i, n in enumerate(seq):
                    if n == tensor:
                        seq[i] = name
        self.outputs.append(helper.make_tensor_value_info(name, elem_type, shape))
        return name

    def model(self, doc: str) -> onnx.ModelProto:
        """The finished ModelProto (opset 17, IR version 8), shape-inferred."""
        graph = helper.make_graph(
            self.nodes, self.name, self.inputs, self.outputs, self.initializers, doc_string=doc
        )
        model = helper.make_model(
            graph,
            opset_imports=[helper.make_opsetid("", OPSET)],
            ir_version=IR_VERSION,
            producer_name="pyvino.zoo",
            doc_string=doc,
        )
        return onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
