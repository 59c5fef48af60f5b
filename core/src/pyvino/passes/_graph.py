"""Small graph queries shared by the passes."""

from __future__ import annotations

import numpy as np

from pyvino._core_ops import Constant, Result
from pyvino._model import Model
from pyvino._node import Op, Output
from pyvino._types import Type

DECOMPRESSION = "decompression"


def is_decompression(node: Op) -> bool:
    """True for a Convert marked as weight decompression (kept by every pass)."""
    return node.type_name == "Convert" and DECOMPRESSION in node.rt_info


def consumers_of(model: Model) -> dict[int, list[Op]]:
    """``id(producer) -> [consumer nodes]`` over the whole model (one entry per input edge)."""
    found: dict[int, list[Op]] = {}
    for node in model.get_ordered_ops():
        for src in node.inputs:
            found.setdefault(id(src.node), []).append(node)
    return found


def feeds_result(output: Output, users: list[Op]) -> bool:
    """True if ``output`` is read directly by a Result."""
    return any(isinstance(u, Result) and u.inputs[0] == output for u in users)


def constant_value(output: Output) -> np.ndarray | None:
    """The data of ``output`` if it is a Constant's output, else None."""
    node = output.node
    return node.data if isinstance(node, Constant) else None


def make_constant(value: np.ndarray, element_type: Type, name: str) -> Constant:
    """A Constant of ``element_type`` holding ``value`` (converted to the type's dtype)."""
    return Constant(np.asarray(value).astype(element_type.dtype, copy=False), element_type, name)


def replace_with_constant(model: Model, output: Output, value: np.ndarray, name: str) -> Constant:
    """Replace ``output`` by a Constant holding ``value``; names and port rt_info move along."""
    const = make_constant(value, output.element_type, name)
    const.output(0).rt_info.update(output.rt_info)
    model.replace_output(output, const.output(0))
    return const
