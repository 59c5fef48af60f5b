"""Compile-time graph transformations: the runtime model the VPU actually executes.

1. unique friendly names (the blob's plan refers to nodes by name);
2. f32 outputs delivered as ``VPU_OUTPUT_PRECISION`` (with f16, a ``Convert`` before the
   Result; the tensor names move to it, as OpenVINO's PrePostProcessor does); outputs the
   model declares f16 stay f16;
3. weights compressed to fp16 (``Const f16`` + decompression ``Convert``, the IR convention),
   except layer parameters that must stay exact (Interpolate scales).
"""

from __future__ import annotations

from pyvino import Model, Op, OpsetRegistry, Type
from pyvino.passes import fp16_compression

from pyvino_vpu._ops import PARAMETER_PORTS


def unique_names(model: Model) -> None:
    """Rename nodes whose friendly name is already taken (``name/2``, ``name/3`` ...)."""
    seen: set[str] = set()
    for node in model.get_ordered_ops():
        name, k = node.friendly_name, 2
        while name in seen:
            name, k = f"{node.friendly_name}/{k}", k + 1
        node.friendly_name = name
        seen.add(name)


def convert_outputs(model: Model, precision: Type, registry: OpsetRegistry) -> None:
    """Deliver every f32 output of ``model`` with element type ``precision`` (f32 or f16)."""
    convert = registry.lookup("Convert", "opset1")
    for result in model.get_results():
        src = result.inputs[0]
        if src.element_type is not Type.f32 or precision is Type.f32:
            continue
        node = convert([src], {"destination_type": precision.name},
                       f"{src.node.friendly_name}/to_{precision.name}")
        node.output(0).set_names(sorted(src.names))
        src.names.clear()
        result.inputs[0] = node.output(0)
        result.validate()


def keep_parameters_exact(model: Model) -> None:
    """Mark constants read only as layer parameters so fp16 compression leaves them alone."""
    readers: dict[int, list[tuple[Op, int]]] = {}
    for node in model.get_ordered_ops():
        for port, src in enumerate(node.inputs):
            readers.setdefault(id(src.node), []).append((node, port))
    for node in model.get_ordered_ops():
        uses = readers.get(id(node), [])
        if node.type_name == "Constant" and uses and all(
                port in PARAMETER_PORTS.get(user.type_name, ()) for user, port in uses):
            node.rt_info[fp16_compression.DISABLE_KEY] = {}


def runtime_model(model: Model, output_precision: Type, registry: OpsetRegistry) -> Model:
    """A transformed copy of ``model`` (which is left unchanged)."""
    runtime = model.clone()
    unique_names(runtime)
    convert_outputs(runtime, output_precision, registry)
    keep_parameters_exact(runtime)
    fp16_compression.run(runtime, registry)
    unique_names(runtime)  # the compression names its Const nodes after their consumers' inputs
    runtime.set_rt_info("VPU", ["runtime", "device"])
    runtime.set_rt_info("FP16", ["runtime", "precision"])
    return runtime
