"""Calibration data: a Python iterable (with an optional transform) or a folder of files.

Items become one array per model input: a dict (input name or index -> array), a list/tuple
(one per input) or a bare array (single-input models). An array one rank short of its input
gets a batch axis. A folder holds ``.npy`` (one array), ``.npz`` (arrays by input name) or
images (``.png``/``.jpg``/``.bmp``, read with Pillow when it is installed) resized to the
model's H x W, RGB, NCHW, values 0..255.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from pyvino._errors import PyvinoError
from pyvino._node import Output

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")
ARRAY_SUFFIXES = (".npy", ".npz")


class Dataset:
    """``Dataset(source, transform_fn)`` as ``nncf.Dataset``: items are ``transform_fn(item)``."""

    def __init__(
        self, source: Iterable[Any] | str | Path, transform_fn: Callable[[Any], Any] | None = None
    ) -> None:
        self.source = source
        self.transform_fn = transform_fn

    def items(self, ports: Sequence[Output]) -> Iterator[Any]:
        source = self.source
        if isinstance(source, (str, Path)):
            source = folder_items(Path(source), ports)
        for item in source:
            yield self.transform_fn(item) if self.transform_fn else item

    def describe(self) -> str:
        if isinstance(self.source, (str, Path)):
            return str(self.source)
        return type(self.source).__name__


def as_dataset(data: Any) -> Dataset:
    return data if isinstance(data, Dataset) else Dataset(data)


def folder_items(folder: Path, ports: Sequence[Output]) -> Iterator[Any]:
    """Each data file of ``folder`` (sorted by name) as one calibration item."""
    if not folder.is_dir():
        raise PyvinoError(f"{folder}: not a folder of calibration data")
    files = sorted(
        p for p in folder.iterdir() if p.suffix.lower() in ARRAY_SUFFIXES + IMAGE_SUFFIXES
    )
    if not files:
        raise PyvinoError(f"{folder}: no .npy, .npz or image files")
    for path in files:
        suffix = path.suffix.lower()
        if suffix == ".npy":
            yield np.load(path, allow_pickle=False)
        elif suffix == ".npz":
            with np.load(path, allow_pickle=False) as data:
                yield {k: data[k] for k in data.files}
        else:
            yield read_image(path, ports[0])


def read_image(path: Path, port: Output) -> np.ndarray:
    """An image as float32 [1, 3, H, W] RGB 0..255, resized to ``port``'s H x W (NCHW)."""
    try:
        from PIL import Image
    except ImportError:
        raise PyvinoError(
            f"{path}: reading images needs Pillow (pip install pillow); or save "
            "the preprocessed inputs as .npy files"
        ) from None
    shape = port.partial_shape
    if (
        not shape.rank_is_static
        or len(shape) != 4
        or not (shape[2].is_static and shape[3].is_static)
    ):
        raise PyvinoError(f"{path}: images need a static NCHW model input, got {shape}")
    h, w = shape[2].get_length(), shape[3].get_length()
    with Image.open(path) as img:
        rgb = img.convert("RGB").resize((w, h), Image.BILINEAR)
        return np.asarray(rgb, np.float32).transpose(2, 0, 1)[None]


def _fit(array: Any, port: Output, index: int) -> np.ndarray:
    arr = np.asarray(array)
    shape = port.partial_shape
    if shape.rank_is_static and arr.ndim == len(shape) - 1:
        arr = arr[None]
    if not shape.compatible(arr.shape):
        name = sorted(port.names)[0] if port.names else str(index)
        raise PyvinoError(
            f"calibration item for input {name!r}: shape {list(arr.shape)} does "
            f"not fit the model input {shape}"
        )
    return arr.astype(port.element_type.dtype, copy=False)


def to_inputs(item: Any, ports: Sequence[Output]) -> list[np.ndarray]:
    """One calibration item as arrays in model input order."""
    if isinstance(item, Mapping):
        arrays = []
        for i, port in enumerate(ports):
            keys = [*sorted(port.names), port.node.friendly_name, i, str(i)]
            key = next((k for k in keys if k in item), None)
            if key is None:
                raise PyvinoError(
                    f"calibration item has no entry for input {keys[0]!r} "
                    f"(keys: {', '.join(map(str, item))})"
                )
            arrays.append(item[key])
    elif isinstance(item, (list, tuple)) and len(ports) > 1:
        if len(item) != len(ports):
            raise PyvinoError(
                f"calibration item has {len(item)} arrays, the model has {len(ports)} inputs"
            )
        arrays = list(item)
    else:
        if len(ports) != 1:
            raise PyvinoError(
                f"a bare array was given for a model with {len(ports)} inputs; "
                "use a dict or a tuple per item"
            )
        arrays = [item[0] if isinstance(item, (list, tuple)) and len(item) == 1 else item]
    return [_fit(a, p, i) for i, (a, p) in enumerate(zip(arrays, ports, strict=True))]
