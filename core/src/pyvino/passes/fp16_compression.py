"""Compress f32 weights to f16: ``Const f32`` -> ``Const f16`` + decompression ``Convert``.

This is what ``save_model(..., compress_to_fp16=True)`` and ``pyvino convert
--compress-to-fp16`` do, as OpenVINO's ``compress_to_fp16``: each eligible f32 Constant ``W``
becomes a Constant ``W_compressed`` of type f16 (keeping W's tensor names) followed by a
``Convert(destination_type=f32)`` named ``W`` whose rt_info holds ``decompression`` (so later
passes and constant folding leave the pair alone and devices may keep the weights in f16).

Kept in f32: constants with values outside the f16 range (|x| > 65504, as OpenVINO keeps
out-of-range weights in f32), constants whose rt_info has ``disable_fp16_compression``,
constants already feeding a decompression Convert, and constants read directly by a Result.
"""

from __future__ import annotations

import numpy as np

from pyvino._core_ops import Constant, Result
from pyvino._model import Model
from pyvino._node import Op
from pyvino._opset import OpsetRegistry
from pyvino._types import Type
from pyvino.passes._graph import DECOMPRESSION, consumers_of, is_decompression

F16_MAX = 65504.0
DISABLE_KEY = "disable_fp16_compression"


def _fits_f16(data: np.ndarray) -> bool:
    finite = data[np.isfinite(data)]
    return finite.size == 0 or float(np.max(np.abs(finite))) <= F16_MAX


def _eligible(node: Op, users: list[Op]) -> bool:
    if not isinstance(node, Constant) or node.get_output_element_type(0) is not Type.f32:
        return False
    if DISABLE_KEY in node.rt_info or not users:
        return False
    if any(is_decompression(u) or isinstance(u, Result) for u in users):
        return False
    return _fits_f16(node.data)


def run(model: Model, registry: OpsetRegistry | None = None) -> bool:
    """Compress every eligible f32 Constant of ``model`` in place; True if any changed."""
    users = consumers_of(model)
    targets = [n for n in model.get_ordered_ops() if _eligible(n, users.get(id(n), []))]
    if not targets:
        return False
    if registry is None:
        from pyvino.ir._reader import default_registry

        registry = default_registry()
    convert = registry.lookup("Convert", "opset1")
    for const in targets:
        assert isinstance(const, Constant)
        old = const.output(0)
        names = set(old.names)
        port_info = dict(old.rt_info)
        packed = Constant(
            const.data.astype(np.float16), Type.f16, f"{const.friendly_name}_compressed"
        )
        packed.rt_info.update(const.rt_info)
        decompress = convert([packed.output(0)], {"destination_type": "f32"}, const.friendly_name)
        decompress.rt_info.update(const.rt_info)
        decompress.rt_info[DECOMPRESSION] = {}
        model.replace_output(old, decompress.output(0))
        decompress.output(0).names.clear()
        packed.output(0).set_names(sorted(names))
        packed.output(0).rt_info.update(port_info)
    return True
