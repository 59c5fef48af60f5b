"""The VPU op list: which nodes the emulated Myriad-class device runs, and under what limits.

Modelled on the MYRIAD plugin's supported-layer table (CNN layers, elementwise, activations,
data movement) and its documented limits (2D convolution and pooling, Pad on 4D tensors only,
static shapes, fp16 data). Transformer ops (Erf, Gelu, MVN, normalisations over the last axis,
attention) are deliberately absent so that BERT-style models exercise ``HETERO:VPU,CPU``.

Each op type maps to a *cost family* used by the cost model (``_cost.py``).
"""

from __future__ import annotations

from pyvino import Op, Type

# op type -> cost family
SUPPORTED_OPS: dict[str, str] = {
    # graph I/O and constants
    "Parameter": "io", "Result": "io", "Constant": "io",
    # convolution and pooling (2D)
    "Convolution": "conv", "GroupConvolution": "conv", "MaxPool": "pool", "AvgPool": "pool",
    # fully connected
    "MatMul": "matmul",
    # elementwise arithmetic
    "Add": "eltwise", "Subtract": "eltwise", "Multiply": "eltwise", "Divide": "eltwise",
    "Maximum": "eltwise", "Minimum": "eltwise", "Power": "transcendental",
    "SquaredDifference": "eltwise",
    # activations and unary math
    "Relu": "eltwise", "Clamp": "eltwise", "PRelu": "eltwise", "Abs": "eltwise",
    "Negative": "eltwise", "Floor": "eltwise", "Ceiling": "eltwise", "HSwish": "eltwise",
    "HSigmoid": "eltwise", "Sigmoid": "transcendental", "Tanh": "transcendental",
    "Swish": "transcendental", "Elu": "transcendental", "Mish": "transcendental",
    "SoftPlus": "transcendental", "Exp": "transcendental", "Log": "transcendental",
    "Sqrt": "transcendental",
    # normalisation, softmax, reductions, resampling
    "BatchNormInference": "eltwise", "Softmax": "softmax", "ReduceMean": "reduce",
    "ReduceMax": "reduce", "ReduceMin": "reduce", "ReduceSum": "reduce", "Interpolate": "resample",
    # data movement (copies) and views (free)
    "Concat": "copy", "Split": "copy", "VariadicSplit": "copy", "Transpose": "copy",
    "StridedSlice": "copy", "Pad": "copy", "Tile": "copy", "Broadcast": "copy",
    "Gather": "copy", "DepthToSpace": "copy", "SpaceToDepth": "copy", "Convert": "copy",
    "Reshape": "view", "Squeeze": "view", "Unsqueeze": "view", "ShapeOf": "view",
}

# Ops whose outputs are exactly fp16 values when their inputs are: no rounding pass needed.
EXACT_OPS = frozenset({
    "Relu", "MaxPool", "Abs", "Negative", "Maximum", "Minimum", "Floor", "Ceiling", "Concat",
    "Split", "VariadicSplit", "Transpose", "StridedSlice", "Tile", "Broadcast", "Gather",
    "DepthToSpace", "SpaceToDepth", "Reshape", "Squeeze", "Unsqueeze", "ShapeOf",
})

# Inputs that are layer parameters, not tensors: kept exact (Interpolate's sizes/scales/axes).
PARAMETER_PORTS: dict[str, frozenset[int]] = {"Interpolate": frozenset({1, 2, 3})}

# Element types the device holds: fp16 data (f32/f16 in the model), integer indices and shapes.
SUPPORTED_TYPES = frozenset({Type.f32, Type.f16, Type.i64, Type.i32, Type.u8, Type.boolean})

_SPATIAL_2D = frozenset({"Convolution", "GroupConvolution", "MaxPool", "AvgPool"})


def unsupported_reason(node: Op) -> str | None:
    """Why the VPU cannot run ``node``, or None if it can."""
    if node.type_name not in SUPPORTED_OPS:
        return f"{node.type_name} is not on the VPU op list"
    for i in range(node.get_output_size()):
        shape = node.get_output_partial_shape(i)
        if shape.is_dynamic:
            return f"output {i} has a dynamic shape {shape} (the VPU needs static shapes)"
        element_type = node.get_output_element_type(i)
        if element_type not in SUPPORTED_TYPES:
            return f"output {i} has element type {element_type.name} (the VPU holds fp16 data)"
    if node.type_name in _SPATIAL_2D and node.get_input_size():
        rank = node.input_shape(0).rank
        if rank.is_dynamic or rank.get_length() != 4:
            return f"{node.type_name} runs on 4D (2D spatial) tensors only, got rank {rank}"
    if node.type_name == "Pad" and node.get_output_partial_shape(0).rank.get_length() != 4:
        return "Pad runs on 4D tensors only"
    return None


def supported_op_table() -> list[tuple[str, str]]:
    """(op type, cost family) rows of the published op list, sorted by type."""
    return sorted((t, f) for t, f in SUPPORTED_OPS.items() if f != "io")
