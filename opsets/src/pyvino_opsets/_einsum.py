"""Einsum-7: Einstein summation, equation in numpy's notation (explicit ``->`` or implicit)."""

from __future__ import annotations

import re

import numpy as np
from pyvino._attrs import STR, Attr
from pyvino._node import Op
from pyvino._shape import Dimension, PartialShape
from pyvino._types import Type

from pyvino_opsets._broadcast import broadcast_dims
from pyvino_opsets._common import compute_dtype

_TERM = re.compile(r"^(?:[a-zA-Z]|\.\.\.)*$")


def _labels(term: str) -> list[str]:
    """Split a subscript into labels; ``...`` is one label."""
    return re.findall(r"\.\.\.|[a-zA-Z]", term)


class Einsum7(Op):
    """Einsum-7: sums of products of the inputs' elements along labelled axes."""

    type_name = "Einsum"
    version_id = "opset7"
    attributes = (Attr("equation", STR),)
    num_inputs = (1, None)

    def _parse(self) -> tuple[list[list[str]], list[str]]:
        eq = self.attrs["equation"].replace(" ", "")
        lhs, arrow, rhs = eq.partition("->")
        terms = lhs.split(",")
        if len(terms) != len(self.inputs):
            raise self.fail(
                f"equation {eq!r} has {len(terms)} input subscripts, got {len(self.inputs)} inputs"
            )
        for t in [*terms, rhs]:
            if not _TERM.match(t) or t.count("...") > 1:
                raise self.fail(
                    f"equation {eq!r}: subscript {t!r} is not letters with at most one '...'"
                )
        ins = [_labels(t) for t in terms]
        if arrow:
            out = _labels(rhs)
            known = {lbl for t in ins for lbl in t}
            if len(set(out)) != len(out) or not set(out) <= known:
                raise self.fail(
                    f"equation {eq!r}: output labels must be unique and appear in an input"
                )
        else:  # implicit: ellipsis first, then labels seen once, alphabetically
            flat = [lbl for t in ins for lbl in t]
            out = (["..."] if "..." in flat else []) + sorted(
                lbl for lbl in set(flat) if lbl != "..." and flat.count(lbl) == 1
            )
        return ins, out

    def infer(self) -> list[tuple[Type, PartialShape]]:
        types = {self.input_type(i) for i in range(len(self.inputs))} - {Type.dynamic}
        if len(types) > 1:
            raise self.fail(
                f"inputs have different element types: {', '.join(sorted(t.name for t in types))}"
            )
        out_t = types.pop() if types else Type.dynamic
        ins, out = self._parse()
        dims: dict[str, Dimension] = {}
        ellipsis: list[Dimension] | None = []
        for i, labels in enumerate(ins):
            shape = self.input_shape(i)
            if not shape.rank_is_static:
                if "..." in labels:
                    ellipsis = None
                continue
            n_ell = len(shape) - (len(labels) - ("..." in labels))
            if n_ell < 0 or (n_ell and "..." not in labels):
                raise self.fail(
                    f"input {i} has shape {shape}, which does not match subscript {''.join(labels)!r}"
                )
            pos = 0
            for lbl in labels:
                if lbl == "...":
                    part = list(shape)[pos : pos + n_ell]
                    if ellipsis is not None:
                        ellipsis = broadcast_dims(self, ellipsis, part, "ellipsis dimensions")
                    pos += n_ell
                    continue
                d = shape[pos]
                pos += 1
                if lbl in dims:
                    if not dims[lbl].compatible(d):
                        raise self.fail(f"label {lbl!r} has sizes {dims[lbl]} and {d}")
                    dims[lbl] = dims[lbl].merge(d)
                else:
                    dims[lbl] = d
        if "..." in out and ellipsis is None:
            return [(out_t, PartialShape.dynamic())]
        result: list[Dimension] = []
        for lbl in out:
            result.extend(ellipsis if lbl == "..." else [dims.get(lbl, Dimension())])
        return [(out_t, PartialShape(result))]

    def evaluate(self, *inputs: np.ndarray) -> tuple[np.ndarray, ...]:
        ins, out = self._parse()
        eq = ",".join("".join(t) for t in ins) + "->" + "".join(out)
        dtype = inputs[0].dtype
        work = compute_dtype(dtype)  # f16/bf16/f8 sum in f32, sub-byte integers in i64
        args = [x.astype(work, copy=False) for x in inputs]
        return (np.asarray(np.einsum(eq, *args, optimize=len(args) > 1)).astype(dtype, copy=False),)
