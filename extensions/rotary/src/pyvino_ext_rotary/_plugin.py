"""The ``pyvino`` entry point of pyvino-ext-rotary: one ``Extension`` bundling everything.

Importing it is cheap: numba (optional) loads when the CPU kernel first runs.
"""

from __future__ import annotations

from pyvino import Extension

from pyvino_ext_rotary import cpu, gpu, onnx, ops

EXTENSION = Extension(
    "pyvino-ext-rotary",
    ops=ops.OPS,
    converters=onnx.CONVERTERS,
    kernels=cpu.KERNELS + gpu.KERNELS,
)

# The module itself is the plugin (entry point ``pyvino_ext_rotary._plugin``, or
# ``core.add_extension("pyvino_ext_rotary._plugin")``): its hooks are the extension's.
pyvino_opsets = EXTENSION.pyvino_opsets
pyvino_onnx_converters = EXTENSION.pyvino_onnx_converters
pyvino_kernels = EXTENSION.pyvino_kernels
