"""The VPU blob payload: code-free named sections inside the core's blob header.

Sections (``pyvino._blob.pack_sections``):

- ``meta``: JSON: payload format version, device (``VPU``), pyvino and pyvino-vpu versions,
  model name, compile-time config, sha256 of every other section;
- ``plan``: JSON execution plan (``_plan.Plan``): slots, steps by node name, folded constants,
  buffer offsets, memory totals, per-layer FLOPs and bytes;
- ``graph.xml`` / ``graph.bin``: the runtime model as IR v11, weights stored as fp16.

Nothing in a payload is executed: JSON and IR are parsed, and every reference the plan makes
is checked against the graph (``_bind.py``) before the model can run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import pyvino
from pyvino import BlobFormatError, Model, ModelReadError, OpsetRegistry
from pyvino._blob import pack_sections, unpack_sections
from pyvino.ir import read_ir_bytes, serialize_ir

from pyvino_vpu import __version__
from pyvino_vpu._plan import Plan
from pyvino_vpu._properties import jsonable

FORMAT_VERSION = 1
DEVICE = "VPU"
SECTIONS = ("plan", "graph.xml", "graph.bin")


@dataclass(frozen=True)
class Payload:
    """A parsed payload: metadata, plan, and the runtime model read back from IR."""

    meta: dict[str, Any]
    plan: Plan
    model: Model
    raw: bytes


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pack_payload(model: Model, plan: Plan, config: dict[str, Any]) -> bytes:
    """Serialise a compiled model: the runtime graph, its plan and metadata."""
    xml, weights = serialize_ir(model, compress_to_fp16=False)
    sections = {
        "plan": json.dumps(plan.to_json(), separators=(",", ":")).encode(),
        "graph.xml": xml,
        "graph.bin": weights,
    }
    meta = {
        "format": FORMAT_VERSION,
        "device": DEVICE,
        "pyvino": pyvino.__version__,
        "pyvino_vpu": __version__,
        "model": model.friendly_name,
        "config": jsonable(config),
        "sha256": {name: _digest(data) for name, data in sections.items()},
    }
    return pack_sections({"meta": json.dumps(meta, sort_keys=True).encode(), **sections})


def _meta(sections: dict[str, bytes]) -> dict[str, Any]:
    missing = [name for name in ("meta", *SECTIONS) if name not in sections]
    if missing:
        raise BlobFormatError(f"VPU blob lacks section(s): {', '.join(missing)}")
    try:
        meta = json.loads(sections["meta"].decode())
    except (UnicodeDecodeError, ValueError) as exc:
        raise BlobFormatError(f"VPU blob metadata is corrupted: {exc}") from None
    if not isinstance(meta, dict):
        raise BlobFormatError("VPU blob metadata is corrupted: not a JSON object")
    if meta.get("device") != DEVICE:
        raise BlobFormatError(
            f"this payload was compiled for device {meta.get('device')!r}, not {DEVICE}")
    version = meta.get("format")
    if not isinstance(version, int) or version < 1:
        raise BlobFormatError(f"VPU blob format version {version!r} is not valid")
    if version > FORMAT_VERSION:
        raise BlobFormatError(
            f"VPU blob format version {version} (written by pyvino-vpu "
            f"{meta.get('pyvino_vpu', '?')}) is newer than this pyvino-vpu {__version__} "
            f"supports ({FORMAT_VERSION}); upgrade pyvino-vpu or recompile the model")
    digests = meta.get("sha256")
    if not isinstance(digests, dict):
        raise BlobFormatError("VPU blob metadata is corrupted: no section checksums")
    for name in SECTIONS:
        if digests.get(name) != _digest(sections[name]):
            raise BlobFormatError(f"VPU blob section {name!r} is corrupted (checksum mismatch)")
    return meta


def unpack_payload(payload: bytes, registry: OpsetRegistry) -> Payload:
    """Parse and check a payload; every defect raises BlobFormatError saying what is wrong."""
    sections = unpack_sections(payload)
    meta = _meta(sections)
    try:
        plan = Plan.from_json(json.loads(sections["plan"].decode()))
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BlobFormatError(
            f"VPU blob plan is malformed: {type(exc).__name__}: {exc}") from None
    try:
        model = read_ir_bytes(sections["graph.xml"], sections["graph.bin"], registry,
                              source="<VPU blob graph.xml>", bin_name="<VPU blob graph.bin>")
    except ModelReadError as exc:
        if isinstance(exc, BlobFormatError):
            raise
        raise BlobFormatError(f"VPU blob graph cannot be read: {exc}") from None
    return Payload(meta, plan, model, payload)
