"""Activation statistics: run the fp32 model with extra outputs over the calibration data.

Range estimators (as POT/NNCF's): ``minmax`` takes the smallest and largest value seen over
all samples; ``mean_minmax`` averages each sample's min and max (NNCF's MEAN_MINMAX);
``percentile`` takes, per sample, the ``100 - p`` and ``p`` percentiles of the tensor and
averages them over the samples (robust to rare outliers); ``mse`` keeps the global min-max
range and a seeded random subsample of each sample's values, on which ``quantize`` searches
the clipping range with the smallest quantization MSE (``_ranges.mse_activation_range``).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from pyvino._errors import PyvinoError
from pyvino._model import Model
from pyvino._node import Output
from pyvino._reference import evaluate_model
from pyvino.runtime import Core
from pyvino.tools._observe import with_outputs

RANGE_ESTIMATORS = ("minmax", "mean_minmax", "percentile", "mse")
# Values kept per calibration sample and tensor by the ``mse`` estimator.
MSE_VALUES_PER_SAMPLE = 1024


_MAX_MEAN_ELEMENTS = 1 << 24


class RangeCollector:
    """Running (low, high) of one tensor for a range estimator, and its mean over samples."""

    def __init__(self, estimator: str, percentile: float) -> None:
        if estimator not in RANGE_ESTIMATORS:
            raise PyvinoError(
                f"unknown range estimator {estimator!r}; expected one of "
                f"{', '.join(RANGE_ESTIMATORS)}"
            )
        if not 50.0 < percentile <= 100.0:
            raise PyvinoError(f"percentile must be in (50, 100], got {percentile}")
        self.estimator, self.percentile = estimator, percentile
        self.lows: list[float] = []
        self.highs: list[float] = []
        self.total: np.ndarray | None = None
        self.count = 0
        self.mean_ok = True
        self.kept: list[np.ndarray] = []
        self.rng = np.random.default_rng(0)

    def _accumulate(self, value: np.ndarray) -> None:
        if not self.mean_ok:
            return
        if self.total is None and value.size <= _MAX_MEAN_ELEMENTS:
            self.total = np.zeros(value.shape, np.float64)
        if self.total is None or self.total.shape != value.shape:
            self.mean_ok, self.total = False, None  # dynamic shapes: no mean tensor
            return
        self.total += value
        self.count += 1

    def mean(self) -> np.ndarray | None:
        """The element-wise mean over samples (None if shapes varied or it was too big)."""
        if self.total is None or not self.count:
            return None
        return (self.total / self.count).astype(np.float32)

    def update(self, value: np.ndarray) -> None:
        self._accumulate(np.asarray(value, np.float32))
        x = np.asarray(value, np.float32).reshape(-1)
        x = x[np.isfinite(x)]
        if x.size == 0:
            return
        if self.estimator == "mse":
            self._keep(x)
        if self.estimator != "percentile":
            self.lows.append(float(x.min()))
            self.highs.append(float(x.max()))
        else:
            lo, hi = np.percentile(x, [100.0 - self.percentile, self.percentile])
            self.lows.append(float(lo))
            self.highs.append(float(hi))

    def _keep(self, x: np.ndarray) -> None:
        if x.size > MSE_VALUES_PER_SAMPLE:
            x = x[self.rng.integers(0, x.size, MSE_VALUES_PER_SAMPLE)]
        self.kept.append(x)

    def values(self) -> np.ndarray:
        """The subsample of observed values (``mse`` estimator; empty otherwise)."""
        return np.concatenate(self.kept) if self.kept else np.zeros(0, np.float32)

    def range(self) -> tuple[float, float]:
        if not self.lows:
            return 0.0, 0.0
        if self.estimator in ("minmax", "mse"):
            return min(self.lows), max(self.highs)
        return float(np.mean(self.lows)), float(np.mean(self.highs))


def runner(model: Model, device: str, core: Core | None) -> Callable[[list[np.ndarray]], Any]:
    """``run(inputs) -> outputs`` on ``device``; ``"reference"`` runs the ops' own numpy
    ``evaluate`` (``evaluate_model``) without any device plugin."""
    if device.lower() == "reference":
        return lambda inputs: evaluate_model(model, inputs)
    request = (core or Core()).compile_model(model, device).create_infer_request()
    return lambda inputs: request.infer(inputs).to_tuple()


def progress_bar(total: int, enabled: bool | None, desc: str) -> Any:
    """A tqdm bar (None -> only on a terminal), or None when tqdm is missing or disabled."""
    if enabled is False:
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(
        total=total,
        desc=desc,
        unit="sample",
        disable=None if enabled is None else False,
        leave=False,
    )


def collect_ranges(
    model: Model,
    tensors: Sequence[Output],
    samples: Iterator[list[np.ndarray]],
    subset_size: int,
    *,
    estimator: str = "minmax",
    percentile: float = 99.99,
    device: str = "CPU",
    core: Core | None = None,
    progress: bool | None = None,
) -> tuple[list[RangeCollector], int]:
    """The statistics of each of ``tensors`` (outputs of ``model``) and the sample count."""
    observed, indices = with_outputs(model, tensors, "statistics")
    run = runner(observed, device, core)
    collectors = [RangeCollector(estimator, percentile) for _ in tensors]
    bar = progress_bar(subset_size, progress, "calibration")
    count = 0
    try:
        for inputs in itertools.islice(samples, subset_size):
            outputs = run(inputs)
            for collector, i in zip(collectors, indices, strict=True):
                collector.update(outputs[i])
            count += 1
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    if count == 0:
        raise PyvinoError("the calibration dataset is empty")
    return collectors, count
