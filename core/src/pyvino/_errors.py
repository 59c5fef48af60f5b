"""The one error hierarchy of pyvino: every failure a user can cause is one of these."""

from __future__ import annotations


class PyvinoError(Exception):
    """Base class of every error pyvino raises on purpose."""


class ModelReadError(PyvinoError):
    """An IR file (or a compiled blob) could not be read: the message names file, layer and defect."""


class ConversionError(PyvinoError):
    """A framework model could not be converted to a pyvino Model."""


class UnsupportedOpError(ConversionError):
    """Operations with no conversion rule; `ops` lists every (domain, op_type, opset, node name)."""

    def __init__(self, message: str, ops: list[tuple[str, str, int, str]] | None = None) -> None:
        super().__init__(message)
        self.ops = list(ops or [])


class OpValidationError(PyvinoError):
    """An op's attributes or input types/shapes are invalid; names node, op and attribute."""


class UnknownOpError(PyvinoError):
    """An (op type, opset) pair that no installed opset provides."""


class PluginError(PyvinoError):
    """A plugin failed to load, conflicts with another, or a device is not available."""


class DeviceNotFoundError(PluginError):
    """No installed plugin provides the requested device."""


class PropertyError(PyvinoError):
    """An unknown property key or a value of the wrong type or range."""


class CompilationError(PyvinoError):
    """A device plugin could not compile the model (unsupported nodes, memory budget, ...)."""


class InferenceError(PyvinoError):
    """A request failed: bad inputs (name, shape, type) or a failure inside a kernel."""


class BlobFormatError(ModelReadError):
    """A compiled blob is corrupted, truncated, of a newer format or for another device."""


__all__ = [
    "BlobFormatError",
    "CompilationError",
    "ConversionError",
    "DeviceNotFoundError",
    "InferenceError",
    "ModelReadError",
    "OpValidationError",
    "PluginError",
    "PropertyError",
    "PyvinoError",
    "UnknownOpError",
    "UnsupportedOpError",
]
