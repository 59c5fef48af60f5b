"""The whole pyvino extension catalogue: every hook a plugin may implement.

A plugin is a module (or object) listed under the ``pyvino`` entry-point group and decorated
with ``pyvino.hookimpl``. Each contribution hook returns a list of small frozen records; the
plugin manager validates them in one place and reports conflicts naming both distributions.
Built-in features (the ONNX frontend, the common passes) are registered through these same hooks.
"""

from __future__ import annotations

import pluggy

from pyvino._opset import Opset
from pyvino._specs import DeviceSpec, FrontendSpec, KernelSpec, OnnxConverterSpec, PassSpec

hookspec = pluggy.HookspecMarker("pyvino")


@hookspec
def pyvino_opsets() -> list[Opset]:
    """Contribute opsets: named tables of versioned ``Op`` classes.

    Params: none.
    Returns: a list of ``Opset``; opsets of the same name from several plugins are merged, and
    the same type name in the same opset from two plugins is an error naming both.
    Called: once per plugin manager, results cached.

    Example::

        @pyvino.hookimpl
        def pyvino_opsets():
            return [pyvino.Opset("extension", [ComplexMultiply])]
    """


@hookspec
def pyvino_devices() -> list[DeviceSpec]:
    """Contribute device plugins (real devices and meta-devices alike).

    Params: none.
    Returns: a list of ``DeviceSpec(name, factory)``; ``factory()`` makes the ``DevicePlugin``
    on first use. Two distributions registering the same name is an error naming both.
    Called: once per plugin manager.

    Example::

        @pyvino.hookimpl
        def pyvino_devices():
            return [pyvino.DeviceSpec("FPGA", lambda: FPGAPlugin())]
    """


@hookspec
def pyvino_kernels(device: str) -> list[KernelSpec]:
    """Contribute kernels for ops on ``device`` (how extensions reach a device plugin).

    Params: ``device``: the device plugin's name (``CPU``, ``GPU``, ...).
    Returns: a list of ``KernelSpec(device, (type, opset), implementation)``; the device
    plugin decides what an implementation must be.
    Called: by a device plugin when it compiles a model (results cached per device).

    Example::

        @pyvino.hookimpl
        def pyvino_kernels(device):
            if device == "CPU":
                return [pyvino.KernelSpec("CPU", ("FFT", "extension"), fft_numpy)]
            return []
    """


@hookspec
def pyvino_frontends() -> list[FrontendSpec]:
    """Contribute model format readers used by ``read_model`` and ``convert_model``.

    Params: none.
    Returns: a list of ``FrontendSpec(name, suffixes, load, accepts)``.
    Called: once per plugin manager.

    Example::

        @pyvino.hookimpl
        def pyvino_frontends():
            return [pyvino.FrontendSpec("onnx", (".onnx",), load_onnx, is_onnx_proto)]
    """


@hookspec
def pyvino_onnx_converters() -> list[OnnxConverterSpec]:
    """Contribute ONNX conversion rules for (domain, op_type), e.g. custom layers.

    Params: none.
    Returns: a list of ``OnnxConverterSpec(domain, op_type, convert, since_version)``.
    Called: once per plugin manager; a rule from a plugin overrides none of another's (a
    duplicate (domain, op_type, since_version) is an error naming both).

    Example::

        @pyvino.hookimpl
        def pyvino_onnx_converters():
            return [pyvino.OnnxConverterSpec("com.acme", "Foo", lambda ctx: [ctx.ops.elu(
                ctx.input(0), alpha=ctx.attr("alpha", 1.0)).output(0)])]
    """


@hookspec
def pyvino_passes(device: str) -> list[PassSpec]:
    """Contribute extra graph passes run when compiling for ``device`` (``""`` for conversion).

    Params: ``device``: device plugin name, or ``""`` for the common passes after conversion.
    Returns: a list of ``PassSpec(name, run)``; ``run(model)`` returns True if it changed it.
    Called: by the converter and by device plugins that honour extra passes.

    Example::

        @pyvino.hookimpl
        def pyvino_passes(device):
            return [pyvino.PassSpec("fold_my_pattern", fold_my_pattern)] if device == "" else []
    """
