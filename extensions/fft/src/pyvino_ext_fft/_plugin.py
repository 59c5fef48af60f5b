"""The ``pyvino`` entry point of pyvino-ext-fft: one ``Extension`` bundling everything.

Importing it is cheap (numpy and pyvino only); the OpenCL sources are plain strings that a GPU
device compiles when it needs them.
"""

from __future__ import annotations

from pyvino import Extension

from pyvino_ext_fft import cpu, gpu, onnx, ops

EXTENSION = Extension(
    "pyvino-ext-fft",
    ops=ops.OPS,
    converters=onnx.CONVERTERS,
    kernels=cpu.KERNELS + gpu.KERNELS,
)

# The module itself is the plugin (entry point ``pyvino_ext_fft._plugin``, or
# ``core.add_extension("pyvino_ext_fft._plugin")``): its hooks are the extension's.
pyvino_opsets = EXTENSION.pyvino_opsets
pyvino_onnx_converters = EXTENSION.pyvino_onnx_converters
pyvino_kernels = EXTENSION.pyvino_kernels
