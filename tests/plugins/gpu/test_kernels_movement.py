"""Data movement against numpy: views, index maps, Pad, Concat and Gather."""

from __future__ import annotations

import numpy as np
import pyvino

ops = pyvino.opset8


def test_index_maps_and_views(gpu, rand) -> None:
    x = ops.parameter([2, 6, 5, 7], "f32", name="x")
    xv = rand(2, 6, 5, 7)
    split = ops.variadic_split(x, np.array(1), np.array([1, 3, 2]))
    outs = [
        ops.transpose(x, np.array([0, 2, 3, 1])),
        ops.transpose(x, np.array([3, 1, 0, 2])),
        ops.strided_slice(x, np.array([0, 1, 0, 6]), np.array([2, 6, 5, 0]), np.array([1, 2, 1, -2]),
                          begin_mask=[1, 0, 1, 0], end_mask=[1, 0, 1, 0]),
        ops.strided_slice(x, np.array([1, 0, 2]), np.array([2, 0, 3]), np.array([1, 1, 1]),
                          begin_mask=[0, 0, 0], end_mask=[0, 0, 0], new_axis_mask=[0, 1, 0],
                          shrink_axis_mask=[1, 0, 1]),
        ops.slice(x, np.array([-1, 1]), np.array([-6, 5]), np.array([-2, 3]), np.array([1, 3])),
        split.output(1),
        ops.gather(x, np.array([[4, 0], [2, 2]]), np.array(1)),  # full index table
        ops.gather(x, np.array(3), np.array(2)),  # one plane: a strided copy
        ops.tile(x, np.array([1, 2, 1, 1])),
        ops.broadcast(ops.reduce_sum(x, np.array([1]), keep_dims=True), np.array([2, 3, 5, 7])),
        ops.relu(ops.reshape(ops.squeeze(ops.unsqueeze(x, np.array([0])), np.array([0])),
                             np.array([12, 35]), special_zero=False)),
    ]
    expected = [
        xv.transpose(0, 2, 3, 1), xv.transpose(3, 1, 0, 2), xv[:, 1:6:2, :, 6:0:-2],
        xv[1, None, 2], xv[:, 5:0:-2, :, 1:5:3], xv[:, 1:4], xv[:, [[4, 0], [2, 2]]],
        xv[:, :, 3], np.tile(xv, (1, 2, 1, 1)),
        np.broadcast_to(xv.sum(1, keepdims=True), (2, 3, 5, 7)), np.maximum(xv.reshape(12, 35), 0),
    ]
    compiled = gpu.check(pyvino.Model(outs, [x], "moves"), [xv], expected)
    plan = compiled.backend.plan
    reshape_like = {"Reshape", "Squeeze", "Unsqueeze"}
    assert not any(launch.node_type in reshape_like for launch in plan.launches)
    assert any(launch.exec_type == "copy_table" for launch in plan.launches)


def test_pad_concat_gather(gpu, rand) -> None:
    x = ops.parameter([2, 3, 4, 5], "f32", name="x")
    ids = ops.parameter([3, 2], "i64", name="ids")
    cols = ops.parameter([2, 3], "i32", name="cols")
    table = rand(10, 4)
    xv = rand(2, 3, 4, 5)
    iv = np.array([[1, -1], [9, 0], [3, 3]], np.int64)
    cv = np.array([[4, 0, -2], [1, 1, 3]], np.int32)
    c = rand(2, 1, 4, 5)
    outs = [
        ops.pad(x, np.array([0, 1, 2, 0]), np.array([1, 0, 1, 3]), np.float32(-1.5),
                pad_mode="constant"),
        ops.pad(x, np.array([0, 0, 2, 1]), np.array([0, 0, 3, 4]), pad_mode="reflect"),
        ops.pad(x, np.array([0, 0, 1, 2]), np.array([0, 0, 2, 1]), pad_mode="symmetric"),
        pyvino.opset12.pad(x, np.array([0, 0, -1, 2]), np.array([0, 0, 1, -2]), pad_mode="edge"),
        ops.concat(x, c, ops.sigmoid(x), axis=1),
        ops.gather(table, ids, np.array(0)),  # embedding lookup, runtime indices
        ops.gather(x, cols, np.array(3), batch_dims=1),  # i32 indices, one row per batch
    ]
    tv = table.astype(np.float64)
    expected = [
        np.pad(xv, [(0, 1), (1, 0), (2, 1), (0, 3)], constant_values=-1.5),
        np.pad(xv, [(0, 0), (0, 0), (2, 3), (1, 4)], mode="reflect"),
        np.pad(xv, [(0, 0), (0, 0), (1, 2), (2, 1)], mode="symmetric"),
        np.pad(xv[:, :, 1:, :3], [(0, 0), (0, 0), (0, 1), (2, 0)], mode="edge"),
        np.concatenate([xv, c, 1 / (1 + np.exp(-xv))], axis=1),
        tv[iv % 10],
        np.stack([xv[b][:, :, cv[b] % 5] for b in range(2)]),
    ]
    gpu.check(pyvino.Model(outs, [x, ids, cols], "pads"), [xv, iv, cv], expected)
