"""Op cases of shape and data-movement ops: reshape family, concat/split, gather/scatter,
slicing, padding, tiling, interpolation."""

from __future__ import annotations

import numpy as np

from pyvino.testing._op_case_helpers import IMG, X, one
from pyvino.testing._op_cases import Const, Data, OpCase


def i32(*values: object) -> Const:
    return Const(np.array(values, np.int32))


SCALES = Const(np.array([2.0, 2.0], np.float32))
ROWS = Data((4, 5))
GRID = Data((4, 6))

CASES: dict[str, list[OpCase]] = {
    "Concat": [one("axis1", X, Data((2, 2, 4)), axis=1)],
    "Split": [one("three", Data((2, 6, 4)), Const(1), num_splits=3)],
    "VariadicSplit": [one("lengths", Data((2, 6, 4)), Const(1), Const([1, 2, 3]))],
    "Reshape": [
        one("flatten", X, Const([4, 6]), special_zero=False),
        one("special_zero", X, Const([0, -1]), special_zero=True),
    ],
    "Transpose": [one("perm", X, Const([2, 0, 1]))],
    "Squeeze": [one("axis1", Data((2, 1, 4)), Const([1]))],
    "Unsqueeze": [one("axis1", Data((2, 3)), Const([1]))],
    "ShapeOf": [one("basic", X)],
    "Broadcast": [one("numpy", Data((3, 1)), Const([2, 3, 4]), mode="numpy")],
    "Tile": [one("repeats", Data((2, 3)), Const([2, 2]))],
    "Pad": [
        one(
            "constant",
            Data((2, 3)),
            Const([1, 0]),
            Const([0, 2]),
            Const(0.5, "f32"),
            pad_mode="constant",
        ),
        one("reflect", Data((3, 4)), Const([1, 1]), Const([1, 2]), pad_mode="reflect"),
    ],
    "Gather": [
        one("axis0", ROWS, i32([0, 2], [3, 1]), Const(0)),
        one("negative_index", ROWS, i32(-1, 0), Const(1), versions=(8,)),
    ],
    "GatherElements": [one("axis0", Data((3, 4)), i32([0, 2, 1, 0], [2, 1, 0, 1]), axis=0)],
    "GatherND": [one("pairs", Data((3, 4, 2)), i32([0, 1], [2, 3]), batch_dims=0)],
    "ScatterUpdate": [one("axis0", Data((4, 3)), Const([1, 3]), Data((2, 3)), Const(0))],
    "ScatterElementsUpdate": [
        one("axis0", Data((3, 3)), i32([1, 0, 2], [0, 2, 1]), Data((2, 3)), Const(0)),
    ],
    "ScatterNDUpdate": [one("rows", Data((4, 3)), i32([1], [3]), Data((2, 3)))],
    "OneHot": [
        one(
            "last_axis",
            Data((3,), "i32", value=[0, 2, 1]),
            Const(4),
            Const(1.0, "f32"),
            Const(0.0, "f32"),
            axis=-1,
        ),
    ],
    "TopK": [
        one("max_by_value", Data((3, 6)), Const(3), axis=1, mode="max", sort="value"),
        one("min_by_index", Data((3, 6)), Const(2), axis=1, mode="min", sort="index"),
    ],
    "Reverse": [one("index", X, Const([0, 2]), mode="index")],
    "ReverseSequence": [one("lengths", Data((3, 4, 2)), i32(4, 2, 3), batch_axis=0, seq_axis=1)],
    "DepthToSpace": [one("blocks_first", Data((1, 8, 2, 2)), block_size=2, mode="blocks_first")],
    "SpaceToDepth": [one("depth_first", Data((1, 2, 4, 4)), block_size=2, mode="depth_first")],
    "ShuffleChannels": [one("groups3", Data((1, 6, 2, 2)), axis=1, group=3)],
    "StridedSlice": [
        one(
            "step2",
            GRID,
            Const([1, 0]),
            Const([3, 6]),
            Const([1, 2]),
            begin_mask=[0, 0],
            end_mask=[0, 0],
        ),
    ],
    "Slice": [
        one("step2", GRID, Const([1, 0]), Const([3, 6]), Const([1, 2])),
        one("axes", GRID, Const([1]), Const([5]), Const([2]), Const([1])),
    ],
    "Interpolate": [
        one("nearest_v1", IMG, Const([12, 12]), axes=[2, 3], mode="nearest", versions=(1,)),
        one(
            "linear_onnx_sizes",
            IMG,
            Const([12, 12]),
            SCALES,
            Const([2, 3]),
            mode="linear_onnx",
            shape_calculation_mode="sizes",
            versions=(4,),
        ),
        one(
            "nearest_scales",
            IMG,
            SCALES,
            Const([2, 3]),
            mode="nearest",
            shape_calculation_mode="scales",
            versions=(11,),
        ),
    ],
    "Bucketize": [one("right_bound", Data((2, 5)), Const(np.array([-1.0, 0.0, 1.0], np.float32)))],
    "Roll": [one("two_axes", Data((3, 4)), Const([1, -1]), Const([0, 1]))],
}
