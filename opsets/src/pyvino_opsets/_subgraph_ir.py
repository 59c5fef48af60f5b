"""Sub-graph ops <-> IR ``<port_map>`` / ``<back_edges>`` records (see docs/architecture.md).

A port-map entry is a dict: ``tag`` (``"input"`` or ``"output"``), ``external_port_id`` (int),
``internal`` (the body ``Parameter`` or ``Result`` node: the IR code maps it to and from
``internal_layer_id``) and, in IR attribute order, any of ``axis``, ``start``, ``end``,
``stride``, ``part_size`` (slicing/concatenation) and ``purpose`` (Loop's special ports).
A back edge is ``{"from": Result, "to": Parameter}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pyvino import Model
from pyvino._errors import OpValidationError

from pyvino_opsets._subgraph import (
    SubGraphOp,
)
from pyvino_opsets._subgraph_ports import (
    BodyOutput,
    ConcatOutput,
    InvariantInput,
    MergedInput,
    SlicedInput,
    SpecialBodyPorts,
)

_SLICE_KEYS = ("start", "end", "stride", "part_size")


def port_map_name(body_name: str) -> str:
    """``body`` -> ``port_map``, ``then_body`` -> ``then_port_map``, ``else_body`` -> ``else_port_map``."""
    return body_name.replace("body", "port_map")


def _slicing(d: SlicedInput | ConcatOutput) -> dict[str, int]:
    return {"axis": d.axis, **{k: getattr(d, k) for k in _SLICE_KEYS}}


def body_port_maps(op: SubGraphOp) -> dict[str, Any]:
    """What the IR writer emits for ``op``: ``{"bodies": {element name: Model},
    "port_maps": {element name: [entry, ...]}, "back_edges": [{"from", "to"}, ...]}``.

    Output entries use ``external_port_id = number of inputs + output index`` (the op's output
    port id), as OpenVINO's serializer does.
    """
    maps: dict[str, list[dict[str, Any]]] = {}
    edges: list[dict[str, Any]] = []
    for name in op.body_names:
        params, results = op.bodies[name].get_parameters(), op.bodies[name].get_results()
        entries = []
        for d in op.input_descriptions[name]:
            entry = {
                "tag": "input",
                "external_port_id": d.input_index,
                "internal": params[d.body_parameter_index],
            }
            if isinstance(d, SlicedInput):
                entry.update(_slicing(d))
            elif isinstance(d, MergedInput):
                edges.append(
                    {"from": results[d.body_value_index], "to": params[d.body_parameter_index]}
                )
            entries.append(entry)
        for d in sorted(op.output_descriptions[name], key=lambda o: o.output_index):
            entry = {
                "tag": "output",
                "external_port_id": len(op.inputs) + d.output_index,
                "internal": results[d.body_value_index],
            }
            if isinstance(d, ConcatOutput):
                entry.update(_slicing(d))
            entries.append(entry)
        special = getattr(op, "special_body_ports", None)
        if isinstance(special, SpecialBodyPorts):
            if special.current_iteration_input_idx >= 0:
                entries.append(
                    {
                        "tag": "input",
                        "external_port_id": -1,
                        "purpose": "current_iteration",
                        "internal": params[special.current_iteration_input_idx],
                    }
                )
            if special.body_condition_output_idx >= 0:
                entries.append(
                    {
                        "tag": "output",
                        "external_port_id": -1,
                        "purpose": "execution_condition",
                        "internal": results[special.body_condition_output_idx],
                    }
                )
        maps[port_map_name(name)] = entries
    return {"bodies": dict(op.bodies), "port_maps": maps, "back_edges": edges}


def _index(nodes: Sequence[Any], node: Any, what: str) -> int:
    for i, n in enumerate(nodes):
        if n is node:
            return i
    raise OpValidationError(
        f"port map names {getattr(node, 'friendly_name', node)!r}, which is not a {what}"
    )


def descriptions_from_ir(
    cls: type[SubGraphOp],
    bodies: Mapping[str, Model],
    port_map: Mapping[str, Sequence[Mapping[str, Any]]],
    back_edges: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """The constructor keywords of ``cls`` rebuilt from IR port maps (as OpenVINO's reader does:
    an input with ``axis`` is sliced, one targeted by a back edge is merged, others invariant;
    outputs are numbered in ``external_port_id`` order, skipping negative ids)."""
    edge_to = {id(e["to"]): e["from"] for e in back_edges}
    inputs: dict[str, list[Any]] = {}
    outputs: dict[str, list[Any]] = {}
    special: dict[str, int] = {}
    for name in cls.body_names:
        params, results = bodies[name].get_parameters(), bodies[name].get_results()
        entries = port_map.get(port_map_name(name), ())
        ins: list[Any] = []
        for e in (e for e in entries if e["tag"] == "input"):
            ext, p = int(e["external_port_id"]), _index(params, e["internal"], f"{name} Parameter")
            if e.get("purpose") == "current_iteration":
                special["current_iteration_input_idx"] = p
            elif "axis" in e:
                opts = {k: int(e[k]) for k in _SLICE_KEYS if k in e}
                ins.append(SlicedInput(ext, p, int(e["axis"]), **opts))
            elif id(e["internal"]) in edge_to:
                ins.append(
                    MergedInput(
                        ext, p, _index(results, edge_to[id(e["internal"])], f"{name} Result")
                    )
                )
            elif ext >= 0:
                ins.append(InvariantInput(ext, p))
        outs: list[Any] = []
        for e in sorted(
            (e for e in entries if e["tag"] == "output"), key=lambda e: int(e["external_port_id"])
        ):
            r = _index(results, e["internal"], f"{name} Result")
            if e.get("purpose") == "execution_condition":
                special["body_condition_output_idx"] = r
            elif int(e["external_port_id"]) >= 0:
                opts = {k: int(e[k]) for k in _SLICE_KEYS if k in e}
                outs.append(
                    ConcatOutput(r, len(outs), int(e["axis"]), **opts)
                    if "axis" in e
                    else BodyOutput(r, len(outs))
                )
        inputs[name], outputs[name] = ins, outs
    kwargs: dict[str, Any] = {
        "bodies": dict(bodies),
        "input_descriptions": inputs,
        "output_descriptions": outputs,
    }
    if "special_body_ports" in cls.extra_keywords:
        kwargs["special_body_ports"] = SpecialBodyPorts(**special)
    return kwargs
