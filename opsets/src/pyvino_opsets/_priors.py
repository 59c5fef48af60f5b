"""Prior (anchor) box generation for PriorBox-1/8 and PriorBoxClustered-1, vectorised over the grid.

Every grid cell gets the same list of priors relative to its centre, so a per-cell template of
``(dx, dy, half_width, half_height, clip)`` is built once, following the order of OpenVINO's
reference, and then laid over all cell centres at once.
"""

from __future__ import annotations

import math

import numpy as np

F32 = np.float32


def aspect_ratios(ratios: tuple[float, ...], flip: bool) -> list[float]:
    """1.0 first, then each new ratio (and its inverse when flipping), duplicates dropped."""
    out = [1.0]
    for r in ratios:
        if any(abs(r - e) < 1e-6 for e in out):
            continue
        out.append(r)
        if flip:
            out.append(1.0 / r)
    return out


def number_of_priors(attrs: dict) -> int:
    """Priors per cell, as OpenVINO's PriorBox shape inference counts them."""
    unique = {round(r * 1e6) / 1e6 for r in attrs["aspect_ratio"]}
    if attrs["flip"]:
        unique |= {round(1 / r * 1e6) / 1e6 for r in attrs["aspect_ratio"]}
    total = len(unique | {1.0})
    if attrs["scale_all_sizes"]:
        n = total * len(attrs["min_size"]) + len(attrs["max_size"])
    else:
        n = total + len(attrs["min_size"]) - 1
    if attrs["fixed_size"]:
        n = total * len(attrs["fixed_size"])
    for d in attrs["density"]:
        n += (len(attrs["fixed_ratio"]) or total) * (int(d) * int(d) - 1)
    return n


def _density_items(size: float, density: int, ratios: list[float]) -> list[tuple]:
    items = []
    shift = int(size / density)
    base = -(int(size) // 2) + shift / 2.0
    for ar in ratios:
        hw, hh = size * 0.5 * math.sqrt(ar), size * 0.5 / math.sqrt(ar)
        for r in range(density):
            for c in range(density):
                items.append((base + c * shift, base + r * shift, hw, hh, True))
    return items


def prior_template(attrs: dict, min_sizes: list[float]) -> list[tuple]:
    """(dx, dy, half_w, half_h, clip_each) of each prior of one cell, in output order."""
    ratios = aspect_ratios(attrs["aspect_ratio"], attrs["flip"])
    others = [r for r in ratios if abs(r - 1.0) >= 1e-6]
    items: list[tuple] = []
    for s, size in enumerate(attrs["fixed_size"]):
        density = int(attrs["density"][s]) if s < len(attrs["density"]) else 1
        if attrs["fixed_ratio"]:
            items += _density_items(size, density, list(attrs["fixed_ratio"]))
            continue
        if attrs["density"]:  # the square prior uses the integral half size, like OpenVINO
            square = _density_items(size, density, [1.0])
            items += [(dx, dy, int(size) * 0.5, int(size) * 0.5, c) for dx, dy, _, _, c in square]
        items += _density_items(size, density, others)
    max_sizes = attrs["max_size"]
    for i, size in enumerate(min_sizes):
        items.append((0.0, 0.0, size * 0.5, size * 0.5, False))
        big = []
        if i < len(max_sizes):
            half = math.sqrt(size * max_sizes[i]) * 0.5
            big = [(0.0, 0.0, half, half, False)]
        ratio_items = []
        if attrs["scale_all_sizes"] or i == len(min_sizes) - 1:
            base = size if attrs["scale_all_sizes"] else min_sizes[0]
            for ar in others:
                ratio_items.append(
                    (0.0, 0.0, base * 0.5 * math.sqrt(ar), base * 0.5 / math.sqrt(ar), False)
                )
        items += (
            big + ratio_items
            if attrs.get("min_max_aspect_ratios_order", True)
            else ratio_items + big
        )
    return items


def prior_box(attrs: dict, height: int, width: int, img_h: int, img_w: int) -> np.ndarray:
    """PriorBox output ``[2, 4 * H * W * priors]``: boxes, then variances."""
    step = float(attrs["step"])
    min_sizes = list(attrs["min_size"])
    if not attrs["scale_all_sizes"]:  # mxnet-like PriorBox
        step = img_h / height if step == -1 else step * img_h
        min_sizes = [s * img_h for s in min_sizes]
    if step == 0:
        cx = (np.arange(width, dtype=F32) + F32(0.5)) * (F32(img_w) / F32(width))
        cy = (np.arange(height, dtype=F32) + F32(0.5)) * (F32(img_h) / F32(height))
    else:
        cx = (F32(attrs["offset"]) + np.arange(width, dtype=F32)) * F32(step)
        cy = (F32(attrs["offset"]) + np.arange(height, dtype=F32)) * F32(step)
    t = np.array(prior_template(attrs, min_sizes), dtype=np.float64).reshape(-1, 5)
    dx, dy, hw, hh = (t[:, i].astype(F32) for i in range(4))
    ccx = cx[None, :, None] + dx  # [1, W, P]
    ccy = cy[:, None, None] + dy  # [H, 1, P]
    iw, ih = F32(1) / F32(img_w), F32(1) / F32(img_h)  # OpenVINO multiplies by reciprocals
    parts = ((ccx - hw) * iw, (ccy - hh) * ih, (ccx + hw) * iw, (ccy + hh) * ih)
    boxes = np.stack(np.broadcast_arrays(*parts), axis=-1).astype(F32)  # [H, W, P, 4]
    clip_each = t[:, 4].astype(bool)[None, None, :, None]
    boxes = np.where(clip_each & (np.arange(4) < 2), np.maximum(boxes, F32(0)), boxes)
    boxes = np.where(clip_each & (np.arange(4) >= 2), np.minimum(boxes, F32(1)), boxes)
    if attrs["clip"]:
        boxes = np.clip(boxes, F32(0), F32(1))
    return _with_variances(boxes.reshape(-1), attrs["variance"])


def prior_box_clustered(attrs: dict, height: int, width: int, img_h: int, img_w: int) -> np.ndarray:
    """PriorBoxClustered output ``[2, 4 * H * W * len(width)]``."""
    step_w = attrs["step_w"] or attrs["step"]
    step_h = attrs["step_h"] or attrs["step"]
    if step_w == 0 and step_h == 0:
        step_w, step_h = F32(img_w) / F32(width), F32(img_h) / F32(height)
    cx = (np.arange(width, dtype=F32) + F32(attrs["offset"])) * F32(step_w)
    cy = (np.arange(height, dtype=F32) + F32(attrs["offset"])) * F32(step_h)
    bw = np.array(attrs["width"], F32) / F32(2)
    bh = np.array(attrs["height"], F32) / F32(2)
    cx, cy = cx[None, :, None], cy[:, None, None]
    parts = (
        (cx - bw) / F32(img_w),
        (cy - bh) / F32(img_h),
        (cx + bw) / F32(img_w),
        (cy + bh) / F32(img_h),
    )
    boxes = np.stack(np.broadcast_arrays(*parts), axis=-1).astype(F32)
    if attrs["clip"]:
        boxes = np.clip(boxes, F32(0), F32(1))
    return _with_variances(boxes.reshape(-1), attrs["variance"])


def _with_variances(boxes: np.ndarray, variance: tuple[float, ...]) -> np.ndarray:
    var = np.array(variance or (0.1,), F32)
    return np.stack(
        [boxes, np.tile(var, boxes.size // 4) if var.size == 4 else np.full_like(boxes, var[0])]
    )
