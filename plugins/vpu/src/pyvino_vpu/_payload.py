"""The VPU blob payload: code-free named sections inside the core's blob header.

Sections (``pyvino._blob.pack_sections``):

- ``meta``: JSON: payload format version, device (``VPU``), pyvino and pyvino-vpu versions,
  model name, compile-time config, sha256 of every other section;
- ``plan``: JSON execution plan (``_plan.Plan``): slots, steps by node name, folded constants,
  buffer offsets, memory totals, per-layer FLOPs and bytes;
- ``graph``: JSON records of the runtime model's nodes (``_records.py``);
- ``data``: the Constant nodes' values, raw little-endian (weights as fp16).

Format 2 replaced format 1's IR v11 ``graph.xml`` / ``graph.bin``: reading them back was most
of a model-cache hit. An older or newer format is refused with ``BlobFormatError`` (the model
cache then recompiles). The ``data`` section has no checksum of its own: the core's blob header
carries the sha256 of the whole payload and is checked before a plugin sees it.

Nothing in a payload is executed: JSON is parsed, raw bytes are read as arrays after their
bounds are checked, and every reference the plan makes is checked against the graph
(``_bind.py``) before the model can run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import pyvino
from pyvino import BlobFormatError, Model, OpsetRegistry
from pyvino._blob import pack_sections, section_views

from pyvino_vpu import __version__
from pyvino_vpu._plan import Plan
from pyvino_vpu._properties import jsonable
from pyvino_vpu._records import graph_records, read_graph

FORMAT_VERSION = 2
DEVICE = "VPU"
SECTIONS = ("plan", "graph", "data")
CHECKED = ("plan", "graph")  # "data" is covered by the blob header's sha256


@dataclass(frozen=True)
class Payload:
    """A parsed payload: metadata, plan, and the runtime model read back from its records."""

    meta: dict[str, Any]
    plan: Plan
    model: Model
    raw: bytes


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pack_payload(model: Model, plan: Plan, config: dict[str, Any]) -> bytes:
    """Serialise a compiled model: the runtime graph, its plan and metadata."""
    graph, data = graph_records(model)
    sections = {
        "plan": json.dumps(plan.to_json(), separators=(",", ":")).encode(),
        "graph": json.dumps(graph, separators=(",", ":")).encode(),
        "data": data,
    }
    meta = {
        "format": FORMAT_VERSION,
        "device": DEVICE,
        "pyvino": pyvino.__version__,
        "pyvino_vpu": __version__,
        "model": model.friendly_name,
        "config": jsonable(config),
        "sha256": {name: _digest(sections[name]) for name in CHECKED},
    }
    return pack_sections({"meta": json.dumps(meta, sort_keys=True).encode(), **sections})


def _meta(sections: dict[str, bytes]) -> dict[str, Any]:
    if "meta" not in sections:
        raise BlobFormatError("VPU blob lacks section(s): meta")
    try:
        meta = json.loads(sections["meta"].decode())
    except (UnicodeDecodeError, ValueError) as exc:
        raise BlobFormatError(f"VPU blob metadata is corrupted: {exc}") from None
    if not isinstance(meta, dict):
        raise BlobFormatError("VPU blob metadata is corrupted: not a JSON object")
    if meta.get("device") != DEVICE:
        raise BlobFormatError(
            f"this payload was compiled for device {meta.get('device')!r}, not {DEVICE}"
        )
    version = meta.get("format")
    if not isinstance(version, int) or version < 1:
        raise BlobFormatError(f"VPU blob format version {version!r} is not valid")
    if version != FORMAT_VERSION:
        relation = "newer than" if version > FORMAT_VERSION else "older than"
        raise BlobFormatError(
            f"VPU blob format version {version} (written by pyvino-vpu "
            f"{meta.get('pyvino_vpu', '?')}) is {relation} the version this pyvino-vpu "
            f"{__version__} reads ({FORMAT_VERSION}); recompile the model"
        )
    missing = [name for name in SECTIONS if name not in sections]
    if missing:
        raise BlobFormatError(f"VPU blob lacks section(s): {', '.join(missing)}")
    digests = meta.get("sha256")
    if not isinstance(digests, dict):
        raise BlobFormatError("VPU blob metadata is corrupted: no section checksums")
    for name in CHECKED:
        if digests.get(name) != _digest(sections[name]):
            raise BlobFormatError(f"VPU blob section {name!r} is corrupted (checksum mismatch)")
    return meta


def unpack_payload(payload: bytes, registry: OpsetRegistry) -> Payload:
    """Parse and check a payload; every defect raises BlobFormatError saying what is wrong."""
    # the data section (the weights, most of the payload) stays a view: read in place
    sections = {
        name: view if name == "data" else bytes(view)
        for name, view in section_views(payload).items()
    }
    meta = _meta(sections)
    try:
        plan = Plan.from_json(json.loads(sections["plan"].decode()))
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BlobFormatError(f"VPU blob plan is malformed: {type(exc).__name__}: {exc}") from None
    try:
        graph = json.loads(sections["graph"].decode())
    except (UnicodeDecodeError, ValueError) as exc:
        raise BlobFormatError(f"VPU blob graph is not JSON: {exc}") from None
    model = read_graph(graph, sections["data"], registry)
    return Payload(meta, plan, model, payload)
