"""``OpenCLKernel``: how an extension hands a GPU device an OpenCL C kernel for its op.

An extension returns ``KernelSpec("GPU", (type, opset), OpenCLKernel(...))`` from
``pyvino_kernels("GPU")``. The contract, which ``program_source`` and ``launch_sizes`` make
executable so that a device plugin and ``pyvino.testing.run_opencl_kernel`` agree on it:

- The program is ``program_source(node, storage)``: a header, then ``source``. The header
  defines ``DATA_T`` (the storage type of float tensors: ``float``, or ``half`` when the device
  runs at f16), ``LOAD(p, i)`` (element ``i`` of float tensor ``p`` as a ``float``),
  ``STORE(p, i, v)`` (store ``float v``), and ``#define NAME value`` for each item of
  ``defines(node)`` (static shapes and attributes). Compute in ``float``.
- Kernel ``entry`` takes one ``__global`` buffer per output (writable), then one per input,
  in port order: float tensors as ``DATA_T*``, integer tensors in their C type (``long`` for
  i64, ``int`` for i32, ``uchar`` for boolean ...). Nothing else: shapes are static.
- It is launched over ``global_size(node)`` with ``local_size(node)`` (None: the driver picks);
  the kernel guards the tail itself. A device claims the node only when every shape is static
  and ``supports(node)`` is true. A device may build each node's program on its own, or
  concatenate them with ``program_source(node, storage, entry_name=unique)``, which renames the
  kernel and ``#undef``s every macro after it: so define helper functions ``static inline``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pyvino._node import Op

# Element type name -> OpenCL C type of non-float tensors.
OPENCL_INT_TYPES = {
    "i64": "long",
    "i32": "int",
    "i16": "short",
    "i8": "char",
    "u64": "ulong",
    "u32": "uint",
    "u16": "ushort",
    "u8": "uchar",
    "boolean": "uchar",
}
OPENCL_FLOAT_TYPES = ("f32", "f16")

_STORAGE = {
    "float": ("#define LOAD(p, i) ((float)(p)[i])\n#define STORE(p, i, v) ((p)[i] = (float)(v))\n"),
    "half": (
        "#define LOAD(p, i) vload_half((i), (p))\n"
        "#define STORE(p, i, v) vstore_half((float)(v), (i), (p))\n"
    ),
}


def _no_defines(node: Op) -> Mapping[str, Any]:
    return {}


def _always(node: Op) -> bool:
    return True


@dataclass(frozen=True)
class OpenCLKernel:
    """An OpenCL C kernel for one op and how to launch it for a node (see the module doc)."""

    entry: str
    source: str
    global_size: Callable[[Op], Sequence[int]]
    defines: Callable[[Op], Mapping[str, Any]] = _no_defines
    local_size: Callable[[Op], Sequence[int]] | None = None
    supports: Callable[[Op], bool] = _always

    def program_source(
        self, node: Op, storage: str = "float", entry_name: str | None = None
    ) -> str:
        """The program text for ``node`` with float tensors stored as ``storage``.

        With ``entry_name`` the kernel is renamed to it and every macro is ``#undef``'d after
        the source, so a device can concatenate several nodes' programs into one.
        """
        if storage not in _STORAGE:
            raise ValueError(f"storage must be 'float' or 'half', not {storage!r}")
        defines = {name: _literal(value) for name, value in self.defines(node).items()}
        head = [f"#define DATA_T {storage}\n", _STORAGE[storage]]
        head += [f"#define {name} {value}\n" for name, value in defines.items()]
        if entry_name is None:
            return "".join(head) + self.source
        names = ["DATA_T", "LOAD", "STORE", *defines, self.entry]
        head.append(f"#define {self.entry} {entry_name}\n")
        tail = "".join(f"#undef {name}\n" for name in names)
        return "".join(head) + self.source + "\n" + tail

    def launch_sizes(self, node: Op) -> tuple[tuple[int, ...], tuple[int, ...] | None]:
        """(global size, local size or None) for ``node``."""
        global_size = tuple(int(g) for g in self.global_size(node))
        local = None if self.local_size is None else tuple(int(v) for v in self.local_size(node))
        return global_size, local


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return "NAN" if value != value else ("INFINITY" if value > 0 else "(-INFINITY)")
        text = repr(value)
        return f"{text}f" if "e" in text or "." in text else f"{text}.0f"
    return str(value)
