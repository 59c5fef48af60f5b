"""Runtime info (``rt_info``) in IR: how it is held in memory and written to / read from XML.

Node and output-port rt_info (``node.rt_info``, ``output.rt_info``) map an attribute name to a
dict of its XML attributes, all strings::

    <attribute name="decompression" version="0" />             {"decompression": {}}
    <attribute name="fused_names" version="0" value="a,b" />    {"fused_names": {"value": "a,b"}}
    <attribute name="layout" version="0" layout="[N,C,H,W]" />  {"layout": {"layout": "[N,C,H,W]"}}

``version`` is kept in the dict only when it is not ``"0"``. When writing, a scalar value
(``str``, ``int``, ``float``, ``bool``) is accepted as shorthand for ``{"value": ...}``, and a
list/tuple/set value becomes a comma-joined ``value``; values of other types are not written
(as OpenVINO skips attributes it cannot serialize). ``PrimitivesPriority`` and ``alt_width``
string entries are written into ``<data>`` as OpenVINO does, and read back from there.

Model rt_info (``model.rt_info``) is a nested dict of strings::

    <rt_info>
        <info name="OpenVINO Runtime" value="2026.4.1" />   {"OpenVINO Runtime": "2026.4.1",
        <Runtime_version value="2026.4.1" />                 "Runtime_version": "2026.4.1",
        <conversion_parameters>                              "conversion_parameters":
            <is_python_object value="False" />                   {"is_python_object": "False"}}
        </conversion_parameters>
    </rt_info>

A key that is not a valid XML tag name is written as ``<info name="key" .../>``; a dict value
becomes nested elements, an empty dict an empty element, anything else ``value="str(v)"``
(lists comma-joined). ``version`` and ``__weights_path`` keys are not written (as OpenVINO).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # building output only; input is parsed with defusedxml
from collections.abc import Mapping
from typing import Any

DATA_RT_KEYS = ("PrimitivesPriority", "alt_width")
_TAG = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_SKIPPED_MODEL_KEYS = {"version", "__weights_path"}


def to_text(value: Any) -> str:
    """One rt_info value as IR attribute text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return ",".join(to_text(v) for v in items)
    return str(value)


# ------------------------------------------------------------------------------- node / port
def read_attributes(rt_node: ET.Element | None) -> dict[str, dict[str, str]]:
    """``<rt_info><attribute name=.. version=.. .../></rt_info>`` as ``{name: {attr: value}}``."""
    info: dict[str, dict[str, str]] = {}
    if rt_node is None:
        return info
    for attr in rt_node.findall("attribute"):
        fields = dict(attr.attrib)
        name = fields.pop("name", None)
        if not name:
            continue
        if fields.get("version", "0") == "0":
            fields.pop("version", None)
        info[name] = fields
    return info


def _attribute_fields(value: Any) -> dict[str, str] | None:
    if isinstance(value, Mapping):
        return {str(k): to_text(v) for k, v in value.items()}
    if isinstance(value, (str, int, float, bool, list, tuple, set, frozenset)):
        return {"value": to_text(value)}
    return None


def write_attributes(parent: ET.Element, info: Mapping[str, Any]) -> None:
    """Append ``<rt_info>`` with one ``<attribute>`` per serializable entry (nothing if none)."""
    entries = []
    for name, value in info.items():
        if name in DATA_RT_KEYS and isinstance(value, str):
            continue  # goes to <data>
        fields = _attribute_fields(value)
        if fields is None:
            continue
        version = fields.pop("version", "0")
        entries.append({"name": str(name), "version": version, **fields})
    if entries:
        rt_node = ET.SubElement(parent, "rt_info")
        for attrs in entries:
            ET.SubElement(rt_node, "attribute", attrs)


# ------------------------------------------------------------------------------- model
def read_model_info(rt_node: ET.Element | None) -> dict[str, Any]:
    """Model-level ``<rt_info>`` as a nested dict of strings."""
    return {} if rt_node is None else _read_map(rt_node)


def _read_map(node: ET.Element) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in node:
        if not isinstance(child.tag, str):
            continue  # comments / processing instructions
        key = child.get("name", "") if child.tag == "info" else child.tag
        if child.tag == "info" and not key:
            continue
        if "value" in child.attrib:
            out[key] = child.get("value")
        else:
            out[key] = _read_map(child)
    return out


def write_model_info(parent: ET.Element, info: Mapping[str, Any]) -> None:
    """Append the model-level ``<rt_info>`` element (always, as OpenVINO does)."""
    rt_node = ET.SubElement(parent, "rt_info")
    for key, value in info.items():
        if key not in _SKIPPED_MODEL_KEYS:
            _write_entry(rt_node, str(key), value)


def _write_entry(parent: ET.Element, key: str, value: Any) -> None:
    if _TAG.fullmatch(key) and not key.lower().startswith("xml"):
        child = ET.SubElement(parent, key)
    else:
        child = ET.SubElement(parent, "info", {"name": key})
    if isinstance(value, Mapping):
        for k, v in value.items():
            _write_entry(child, str(k), v)
    else:
        child.set("value", to_text(value))
