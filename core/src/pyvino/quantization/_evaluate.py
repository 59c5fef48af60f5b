"""fp32 vs INT8: IR size, latency and top-1 agreement on held-out data."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from pyvino._model import Model
from pyvino.quantization._statistics import progress_bar, runner
from pyvino.runtime import Core


@dataclass(frozen=True)
class ComparisonReport:
    """How the quantized model compares with the fp32 one (latencies: median ms)."""

    samples: int
    top1_agreement: float
    max_abs_diff: float
    fp32_ms: float
    int8_ms: float
    fp32_bin_bytes: int
    int8_bin_bytes: int
    activation_fq: int
    weight_fq: int

    @property
    def size_ratio(self) -> float:
        return self.fp32_bin_bytes / max(self.int8_bin_bytes, 1)

    @property
    def speedup(self) -> float:
        return self.fp32_ms / self.int8_ms if self.int8_ms else float("nan")

    def summary(self, device: str = "CPU") -> str:
        mib = 1024 * 1024
        return "\n".join(
            [
                f"FakeQuantize: {self.activation_fq} on activations, {self.weight_fq} on weights",
                f"size (.bin): fp32 {self.fp32_bin_bytes / mib:.2f} MiB -> int8 "
                f"{self.int8_bin_bytes / mib:.2f} MiB ({self.size_ratio:.2f}x smaller)",
                f"speed ({device}, median latency): fp32 {self.fp32_ms:.2f} ms, int8 "
                f"{self.int8_ms:.2f} ms ({self.speedup:.2f}x)",
                f"accuracy: top-1 agreement with fp32 {100 * self.top1_agreement:.1f}% on "
                f"{self.samples} held-out sample(s); max abs diff of output 0: "
                f"{self.max_abs_diff:.4g}",
            ]
        )


def bin_size(model: Model) -> int:
    """Bytes of the IR ``.bin`` of ``model`` (fp32 weights kept as f32)."""
    from pyvino.ir import serialize_ir

    return len(serialize_ir(model, compress_to_fp16=False)[1])


def count_fake_quantize(model: Model) -> tuple[int, int]:
    """(FakeQuantize on activations, FakeQuantize on weights)."""
    fqs = [n for n in model.get_ordered_ops() if n.type_name == "FakeQuantize"]
    weights = sum(1 for n in fqs if n.attrs["levels"] == 255)
    return len(fqs) - weights, weights


def top1(output: np.ndarray) -> np.ndarray:
    """Arg-max over the last axis, one per row of the leading axes."""
    arr = np.asarray(output)
    return arr.reshape(-1, arr.shape[-1]).argmax(axis=1) if arr.ndim else arr.reshape(1)


def compare_models(
    fp32: Model,
    int8: Model,
    samples: Iterable[list[np.ndarray]],
    *,
    device: str = "CPU",
    core: Core | None = None,
    progress: bool | None = None,
    total: int | None = None,
) -> ComparisonReport:
    """Run both models on ``samples`` (input lists) and compare output 0 and latency
    (``device="reference"``: the ops' numpy evaluate, no plugin)."""
    runs = [runner(m, device, core) for m in (fp32, int8)]
    agree = seen = 0
    max_diff = 0.0
    times: list[list[float]] = [[], []]
    bar = progress_bar(total or 0, progress, "evaluation")
    try:
        for inputs in samples:
            outs = []
            for k, run in enumerate(runs):
                start = time.perf_counter()
                outs.append(np.asarray(run(inputs)[0]))
                times[k].append((time.perf_counter() - start) * 1000.0)
            a, b = top1(outs[0]), top1(outs[1])
            agree += int((a == b).sum())
            seen += a.size
            max_diff = max(max_diff, float(np.abs(outs[0].astype(np.float64) - outs[1]).max()))
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    acts, weights = count_fake_quantize(int8)
    return ComparisonReport(
        samples=len(times[0]),
        top1_agreement=agree / max(seen, 1),
        max_abs_diff=max_diff,
        fp32_ms=statistics.median(times[0]) if times[0] else 0.0,
        int8_ms=statistics.median(times[1]) if times[1] else 0.0,
        fp32_bin_bytes=bin_size(fp32),
        int8_bin_bytes=bin_size(int8),
        activation_fq=acts,
        weight_fq=weights,
    )
