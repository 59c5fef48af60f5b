"""Export / import of GPU compiled models: a code-free payload.

Sections (``pyvino._blob.pack_sections``): ``meta`` (JSON: format, device identity, config,
the plan: tensors, launches, inputs, outputs, constant table), ``source.K`` and ``binary.K`` for
each program K (the OpenCL text and the driver's binary; program 0 holds the model's kernels,
the others one extension kernel each) and ``constants`` (raw weight bytes). Import tries the
binaries on a device with the same identity and falls back to building the sources (``binary.K``
is empty where the driver caches kernels itself, see ``_binary``).
The imported model's interface is rebuilt from the plan's port table.
"""

from __future__ import annotations

import json
from typing import Any

from pyvino import Dimension, Model, Op, Parameter, PartialShape, Result, Type
from pyvino._blob import pack_sections, unpack_sections
from pyvino._errors import BlobFormatError

from pyvino_gpu import _devices, _program
from pyvino_gpu._plan import Plan, PortInfo, dumps

EXPORT_FORMAT = 1


class ExecutionGraph1(Op):
    """Stands for the whole compiled graph in an imported model's runtime model."""

    type_name = "ExecutionGraph"
    version_id = "opset1"
    num_inputs = (0, None)

    def __init__(
        self, inputs: list[Any], outputs: list[tuple[str, PartialShape]], name: str
    ) -> None:
        self._specs = outputs
        super().__init__(inputs, {}, name)

    def infer(self) -> list[tuple[Type, PartialShape]]:
        return [(Type.get(t), s) for t, s in self._specs]


def export_payload(compiled: Any) -> bytes:
    plan: Plan = compiled.plan
    meta, data = plan.to_json()
    config = {
        k: (v.name if isinstance(v, Type) else v)
        for k, v in compiled.config.items()
        if isinstance(v, (str, int, float, bool, Type))
    }
    header = {
        "format": EXPORT_FORMAT,
        "device": compiled.info.cache_identity,
        "model": compiled.model.friendly_name,
        "config": config,
        "plan": meta,
    }
    header["programs"] = len(plan.sources)
    sections = {"meta": dumps(header), "constants": data}
    for k, (source, built) in enumerate(zip(plan.sources, compiled.programs, strict=True)):
        sections[f"source.{k}"] = source.encode()
        sections[f"binary.{k}"] = _binary(built)
    return pack_sections(sections)


def _binary(built: Any) -> bytes:
    """The driver's program binary; empty where the driver keeps its own kernel cache (PoCL):
    fetching a PoCL binary compiles every kernel once more (about 30 s for MobileNetV2) and
    the imported program still generates its code at the first launch, so the import builds
    the source, which that cache answers."""
    return b"" if _program.driver_caches(built.info) else built.binary()


def runtime_model(plan: Plan, name: str) -> Model:
    params = []
    for port in plan.inputs:
        p = Parameter(port.etype, list(port.shape), port.name)
        p.output(0).set_names(list(port.tensor_names))
        params.append(p)
    graph = ExecutionGraph1(params, [(p.etype, _shape(p)) for p in plan.outputs], "compiled_graph")
    results = []
    for i, port in enumerate(plan.outputs):
        graph.output(i).set_names(list(port.tensor_names))
        results.append(Result([graph.output(i)], name=port.name))
    return Model(results, params, name)


def _shape(port: PortInfo) -> PartialShape:
    """A port's shape; data-dependent outputs have rows up to the stored bound."""
    dims = [Dimension(d) for d in port.shape]
    if port.valid_rows >= 0:
        dims[0] = Dimension(0, port.shape[0])
    return PartialShape(dims)


def import_payload(plugin: Any, payload: bytes, config: dict[str, Any]) -> Any:
    from pyvino_gpu._compiled import GPUCompiledModel

    sections = unpack_sections(payload)
    try:
        header = json.loads(sections["meta"].decode()) if "meta" in sections else None
        if not isinstance(header, dict):
            raise ValueError("no metadata section")
        count = int(header.get("programs", 0))
        names = ["constants"] + [
            f"{kind}.{k}" for k in range(count) for kind in ("source", "binary")
        ]
        missing = [n for n in names if n not in sections]
        if missing or count < 1:
            raise ValueError(f"missing section(s) {', '.join(missing) or 'source.0'}")
        sources = [sections[f"source.{k}"].decode() for k in range(count)]
    except (ValueError, UnicodeDecodeError) as exc:
        raise BlobFormatError(f"GPU blob is malformed: {exc}") from None
    if header.get("format") != EXPORT_FORMAT:
        raise BlobFormatError(
            f"GPU blob format {header.get('format')!r} is not supported (expected {EXPORT_FORMAT})"
        )
    plan = Plan.from_json(header.get("plan") or {}, sources, sections["constants"])
    saved = plugin.validate_config(
        {
            k: v
            for k, v in (header.get("config") or {}).items()
            if k in plugin.supported_properties() and plugin.supported_properties()[k] == "RW"
        }
    )
    config = {**saved, **config, "INFERENCE_PRECISION_HINT": Type.get(plan.precision)}
    info = _devices.device(config.get("DEVICE_ID", "0"))
    same_device = header.get("device") == info.cache_identity
    binaries = [
        sections[f"binary.{k}"] or None if same_device else None for k in range(len(sources))
    ]
    model = runtime_model(plan, str(header.get("model", "imported")))
    return GPUCompiledModel(model, config, info, plan, binaries)
