"""Observing intermediate tensors: a model copy with extra Results, and input generation.

OpenVINO's tools do the same (``model.add_outputs``): every tensor of interest becomes a model
output, so any device can report it without a debugging API.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pyvino._core_ops import Result
from pyvino._errors import PyvinoError
from pyvino._model import Model
from pyvino._node import Op, Output

SKIPPED_TYPES = ("Parameter", "Constant", "Result")


def all_tensors(model: Model) -> list[Output]:
    """Every output port of every computing node, in topological order."""
    return [out for node in model.get_ordered_ops() if node.type_name not in SKIPPED_TYPES
            for out in node.outputs()]


def with_outputs(model: Model, tensors: Sequence[Output],
                 name: str = "observe") -> tuple[Model, list[int]]:
    """A clone of ``model`` whose results also carry ``tensors`` (outputs of ``model``).

    Returns the new model and, for each tensor, the index of the model output that carries it
    (an existing output is reused, not duplicated). Nodes are matched by their position in
    ``get_ordered_ops()``, which a clone keeps, so duplicate friendly names do no harm.
    """
    position = {id(n): i for i, n in enumerate(model.get_ordered_ops())}
    clone = model.clone()
    order = clone.get_ordered_ops()
    results = clone.get_results()
    existing = {r.inputs[0]: i for i, r in enumerate(results)}
    indices: list[int] = []
    for tensor in tensors:
        out = order[position[id(tensor.node)]].output(tensor.index)
        if out not in existing:
            existing[out] = len(results)
            results.append(Result([out], name=f"{out.node.friendly_name}/{name}/{out.index}"))
        indices.append(existing[out])
    observed = Model(results, clone.get_parameters(), clone.friendly_name)
    observed.rt_info = dict(clone.rt_info)
    return observed, indices


def node_by_name(model: Model) -> dict[str, Op]:
    return {n.friendly_name: n for n in model.get_ordered_ops()}


def port_name(port: Output, index: int) -> str:
    return sorted(port.names)[0] if port.names else port.node.friendly_name or str(index)


def concrete_shape(port: Output) -> tuple[int, ...]:
    """A shape for generated data: dynamic dims take their lower bound (at least 1)."""
    shape = port.partial_shape
    if not shape.rank_is_static:
        raise PyvinoError(f"input {port_name(port, 0)!r} has a dynamic rank; give the data")
    return tuple(d.min if d.is_static else max(d.min, 1) for d in shape)


def random_inputs(ports: Sequence[Output], seed: int = 0) -> list[np.ndarray]:
    """Seeded data for each input: normal floats, small non-negative integers, booleans."""
    rng = np.random.default_rng(seed)
    out = []
    for port in ports:
        shape, t = concrete_shape(port), port.element_type
        if t.is_real:
            out.append(rng.standard_normal(shape).astype(t.dtype))
        elif t.name == "boolean":
            out.append(rng.integers(0, 2, shape).astype(bool))
        else:
            out.append(rng.integers(0, 8, shape).astype(t.dtype))
    return out


def load_inputs(path: str | Path, ports: Sequence[Output]) -> list[np.ndarray]:
    """Arrays from a ``.npy`` (single input) or ``.npz`` (keys = input names or indices)."""
    path = Path(path)
    if not path.exists():
        raise PyvinoError(f"{path}: no such input file")
    data: Any = np.load(path, allow_pickle=False)
    if isinstance(data, np.ndarray):
        if len(ports) != 1:
            raise PyvinoError(f"{path}: one array for a model with {len(ports)} inputs; use .npz")
        return [data]
    found: Mapping[str, np.ndarray] = {k: data[k] for k in data.files}
    arrays = []
    for i, port in enumerate(ports):
        keys = [*sorted(port.names), port.node.friendly_name, str(i)]
        key = next((k for k in keys if k in found), None)
        if key is None:
            raise PyvinoError(f"{path}: no array for input {port_name(port, i)!r} "
                              f"(arrays: {', '.join(found)})")
        arrays.append(found[key])
    return arrays
