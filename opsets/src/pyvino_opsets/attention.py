"""Attention: ScaledDotProductAttention-13."""

from __future__ import annotations

import numpy as np
from pyvino import BOOL, Attr, Dimension, Op, PartialShape, Type

from pyvino_opsets._common import broadcast_dim, broadcast_shapes, compute_dtype, merge_types


def _merge(op: Op, a: Dimension, b: Dimension, what: str) -> Dimension:
    """Two dimensions that must agree, where 1 broadcasts (``broadcast_merge`` in OpenVINO)."""
    try:
        return broadcast_dim(a, b)
    except Exception:
        raise op.fail(f"{what}: dimensions {a} and {b} do not match") from None


class ScaledDotProductAttention13(Op):
    """``softmax(Q @ K^T * scale + bias) @ V`` over the last two axes; leading axes broadcast.

    ``bias`` is an upper-triangular ``-inf`` mask when ``causal`` (input 4 is then ignored),
    else input 4: boolean (``False`` = masked out with ``-inf``) or added as is; a scalar mask is
    "no mask". ``scale`` (input 5) defaults to ``1 / sqrt(E)``.
    """

    type_name = "ScaledDotProductAttention"
    version_id = "opset13"
    attributes = (Attr("causal", BOOL),)
    num_inputs = (3, 5)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        t = merge_types(self.input_type(0), self.input_type(1), self.input_type(2))
        if t is not Type.dynamic and not t.is_real:
            raise self.fail(f"query, key and value must be floating-point, got {t.name}")
        q, k, v = (self.input_shape(i) for i in range(3))
        for shape, name in ((q, "query"), (k, "key"), (v, "value")):
            if shape.rank_is_static and len(shape) < 3:
                raise self.fail(f"{name} must have rank >= 3, got shape {shape}")
        if not q.rank_is_static:
            return [(t, PartialShape.dynamic())]
        batch = PartialShape(list(q)[:-2])
        l_dim, e_dim = q[-2], q[-1]
        s_dim, ev_dim = Dimension(), Dimension()
        if k.rank_is_static:
            batch = self._batch(batch, k, "key")
            e_dim = _merge(self, e_dim, k[-1], "embedding size E of query and key")
            s_dim = k[-2]
        if v.rank_is_static:
            batch = self._batch(batch, v, "value")
            s_dim = _merge(self, s_dim, v[-2], "sequence length S of key and value")
            ev_dim = v[-1]
        if len(self.inputs) > 3 and not self.attrs["causal"]:
            mask = self.input_shape(3)
            if mask.rank_is_static and len(mask) == 1:
                raise self.fail(f"attention_mask must be a scalar or have rank >= 2, got {mask}")
            if mask.rank_is_static and len(mask) >= 2:
                _merge(self, l_dim, mask[-2], "attention_mask dimension L")
                _merge(self, s_dim, mask[-1], "attention_mask dimension S")
                if len(mask) >= 3:
                    batch = self._batch(batch, mask, "attention_mask")
        if len(self.inputs) > 4:
            scale = self.input_shape(4)
            if scale.is_static and int(np.prod(scale.to_shape())) != 1:
                raise self.fail(f"scale must be a scalar or hold one element, got shape {scale}")
        return [(t, PartialShape([*batch, l_dim, ev_dim]))]

    def _batch(self, batch: PartialShape, other: PartialShape, name: str) -> PartialShape:
        try:
            return broadcast_shapes(batch, PartialShape(list(other)[:-2]))
        except Exception:
            raise self.fail(
                f"batch dimensions of {name} {other} do not broadcast with {batch}"
            ) from None

    def evaluate(self, q: np.ndarray, k: np.ndarray, v: np.ndarray, *rest: np.ndarray) -> tuple:
        dt = np.promote_types(compute_dtype(q.dtype), np.float32)
        qf, kf, vf = (a.astype(dt, copy=False) for a in (q, k, v))
        if len(rest) > 1:
            scale = dt.type(np.asarray(rest[1]).reshape(-1)[0])
        else:
            scale = dt.type(1.0 / np.sqrt(q.shape[-1]))
        scores = np.matmul(qf, np.swapaxes(kf, -1, -2)) * scale
        n_l, n_s = q.shape[-2], k.shape[-2]
        if self.attrs["causal"]:
            future = np.triu(np.ones((n_l, n_s), dtype=bool), k=1)
            scores = np.where(future, -np.inf, scores)
        elif rest and np.ndim(rest[0]) > 0:
            mask = rest[0]
            if mask.dtype == np.bool_:
                scores = np.where(mask, scores, -np.inf)
            else:
                scores = scores + mask.astype(dt, copy=False)
        scores = scores - np.max(scores, axis=-1, keepdims=True)
        weights = np.exp(scores)
        weights /= np.sum(weights, axis=-1, keepdims=True)
        return (np.matmul(weights, vf).astype(q.dtype, copy=False),)


OPS = [ScaledDotProductAttention13]
