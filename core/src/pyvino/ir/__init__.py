"""OpenVINO IR v11 (``.xml`` + ``.bin``): reader and writer.

- ``read_ir(xml_path, bin_path=None, registry=None)`` / ``read_ir_bytes(xml, weights, ...)``
  read IR v10/v11 (including IR written by OpenVINO) into a ``Model``; every defect raises
  ``ModelReadError`` naming the file, the layer id and name, and what was expected.
- ``write_ir(model, xml_path, bin_path=None, compress_to_fp16=True)`` / ``serialize_ir(model)``
  write IR v11 exactly as OpenVINO lays it out.

How rt_info is represented in memory is described in ``pyvino.ir._rt_info``; the ``.bin``
layouts of every element type (sub-byte packing, strings) in ``pyvino.ir._bin``.
"""

from __future__ import annotations

from pyvino.ir._reader import read_ir, read_ir_bytes
from pyvino.ir._writer import serialize_ir, write_ir

__all__ = ["read_ir", "read_ir_bytes", "serialize_ir", "write_ir"]
