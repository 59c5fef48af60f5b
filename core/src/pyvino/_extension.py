"""Custom-layer helpers: ``onnx_op_mapping`` (OpenVINO's ``OpExtension``), ``op_kernel`` and
``Extension``, a bundle of ops + ONNX converters + kernels that ``Core.add_extension`` accepts
and that an extension distribution can name as its ``pyvino`` entry point.

```python
ext = pyvino.Extension(
    "acme",
    ops=[MyRelu1],
    converters=[pyvino.onnx_op_mapping("com.acme", "Foo", "Elu", {"alpha": "alpha"})],
    kernels=[pyvino.op_kernel("CPU", MyRelu1, my_relu_kernel)],
)
core.add_extension(ext)
```
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pyvino._errors import PluginError
from pyvino._node import Op, Output
from pyvino._opset import Opset
from pyvino._specs import KernelSpec, OnnxConverterSpec, hookimpl

_UNSET: Any = object()


def onnx_op_mapping(
    domain: str,
    op_type: str,
    target: str | type[Op],
    attributes: Mapping[str, str] | None = None,
    *,
    opset: str = "opset1",
    values: Mapping[str, Any] | None = None,
    since_version: int = 1,
) -> OnnxConverterSpec:
    """A 1:1 ONNX converter: node ``domain::op_type`` becomes one ``target`` op.

    ``target`` is an op type name looked up in ``opset`` of the converting registry (so the
    opset may come from an extension added to the same Core), or an ``Op`` class used as is.
    ``attributes`` maps the target's attribute names to ONNX attribute names, as OpenVINO's
    ``OpExtension(ov_type, fw_type, {ov_attr: fw_attr})``; an ONNX attribute the node lacks
    leaves the target's default (or fails naming the node if the target requires it).
    ``values`` gives target attributes fixed values. Inputs and outputs map by position.

    Example: ``onnx_op_mapping("com.acme", "Foo", "Elu", {"alpha": "alpha"})`` turns
    ``com.acme.Foo(x, alpha=0.5)`` into ``Elu-1(x, alpha=0.5)``.
    """
    names = dict(attributes or {})
    fixed = dict(values or {})
    clash = sorted(set(names) & set(fixed))
    if clash:
        raise PluginError(
            f"onnx_op_mapping {domain}::{op_type}: attribute(s) {', '.join(clash)} are both "
            "mapped from ONNX and given fixed values"
        )

    target_name = target.__name__ if isinstance(target, type) else f"{target} ({opset})"

    def convert(ctx: Any) -> list[Output]:
        cls = target if isinstance(target, type) else ctx.registry.lookup(target, opset)
        attrs = dict(fixed)
        for ov_name, onnx_name in names.items():
            value = ctx.attr(onnx_name, _UNSET)
            if value is not _UNSET:
                attrs[ov_name] = value
        inputs = list(ctx.inputs)
        while inputs and inputs[-1] is None:
            inputs.pop()
        if any(x is None for x in inputs):
            raise ctx.fail(
                f"an empty optional input before a given one cannot map 1:1 to {target_name}"
            )
        node = cls(inputs, attrs, ctx.node_name)
        return node.outputs()

    convert.__name__ = f"convert_{op_type}"
    convert.__doc__ = f"ONNX {domain}::{op_type} -> {target_name}, attributes {names or 'none'}."
    return OnnxConverterSpec(domain, op_type, convert, since_version)


def op_kernel(device: str, op: type[Op] | tuple[str, str], implementation: Any) -> KernelSpec:
    """A ``KernelSpec`` for op class ``op`` (or a ``(type, opset)`` key) on ``device``.

    What ``implementation`` is depends on the device: ``implementation(node, *inputs) ->
    tuple of arrays`` for CPU-like devices, an ``OpenCLKernel`` for GPU.
    """
    key = op if isinstance(op, tuple) else (op.type_name, op.version_id)
    return KernelSpec(device, key, implementation)


class Extension:
    """Custom ops, ONNX converters and kernels as one plugin object.

    ``ops`` form (or join) the opset ``opset`` (``"extension"`` by default, written to IR as
    ``version="extension"``); ``converters`` are ``OnnxConverterSpec`` records (see
    ``onnx_op_mapping``); ``kernels`` are ``KernelSpec`` records (see ``op_kernel``). Pass it to
    ``Core.add_extension`` or ``convert_model(..., extension=...)``, or name it as the
    ``pyvino`` entry point of a distribution (``fft = "pyvino_ext_fft._plugin:EXTENSION"``).
    """

    def __init__(
        self,
        name: str,
        *,
        ops: Iterable[type[Op]] = (),
        opset: str = "extension",
        converters: Iterable[OnnxConverterSpec] = (),
        kernels: Iterable[KernelSpec] = (),
    ) -> None:
        self.__name__ = name  # the plugin name the plugin manager registers it under
        self.name = name
        self.ops = tuple(ops)
        self.opset = opset
        self.converters = tuple(converters)
        self.kernels = tuple(kernels)
        self._check()

    def _check(self) -> None:
        for op in self.ops:
            if not (isinstance(op, type) and issubclass(op, Op)):
                raise PluginError(f"extension {self.name!r}: {op!r} is not an Op class")
            if op.version_id != self.opset:
                raise PluginError(
                    f"extension {self.name!r}: op {op.__qualname__} has version_id "
                    f"{op.version_id!r} but the extension's opset is {self.opset!r}"
                )
        for kind, items, record in (
            ("converter", self.converters, OnnxConverterSpec),
            ("kernel", self.kernels, KernelSpec),
        ):
            for item in items:
                if not isinstance(item, record):
                    raise PluginError(
                        f"extension {self.name!r}: {kind} {item!r} is not a {record.__name__}"
                    )

    def __repr__(self) -> str:
        return (
            f"<Extension {self.name}: {len(self.ops)} op(s), {len(self.converters)} "
            f"converter(s), {len(self.kernels)} kernel(s)>"
        )

    @hookimpl
    def pyvino_opsets(self) -> list[Opset]:
        return [Opset(self.opset, self.ops)] if self.ops else []

    @hookimpl
    def pyvino_onnx_converters(self) -> list[OnnxConverterSpec]:
        return list(self.converters)

    @hookimpl
    def pyvino_kernels(self, device: str) -> list[KernelSpec]:
        return [k for k in self.kernels if k.device == device]
