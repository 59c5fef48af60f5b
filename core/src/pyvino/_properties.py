"""Property keys and value validation, with OpenVINO's names and value spellings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pyvino._errors import PropertyError
from pyvino._types import Type


@dataclass(frozen=True)
class PropertySpec:
    """How one property's value is checked and normalised; ``expected`` is said in errors."""

    name: str
    parse: Callable[[Any], Any]
    expected: str
    mutable: bool = True


def parse_bool(v: Any) -> bool:
    """A property's boolean: True/False, YES/NO, "1"/"0", 1/0 (ValueError otherwise)."""
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.upper() in ("YES", "TRUE", "1", "NO", "FALSE", "0"):
        return v.upper() in ("YES", "TRUE", "1")
    if isinstance(v, int) and v in (0, 1):
        return bool(v)
    raise ValueError


def int_in(minimum: int, maximum: int | None = None) -> Callable[[Any], int]:
    """A parser of whole numbers from ``minimum`` to ``maximum`` (inclusive; no upper bound when
    None): ints, integral floats and numeric strings, never bools."""

    def parse(v: Any) -> int:
        if isinstance(v, bool) or (isinstance(v, float) and not v.is_integer()):
            raise ValueError
        i = int(v)
        if i < minimum or (maximum is not None and i > maximum):
            raise ValueError
        return i

    return parse


def finite_float(minimum: float, *, inclusive: bool = True) -> Callable[[Any], float]:
    """A parser of finite numbers >= ``minimum`` (> ``minimum`` unless ``inclusive``)."""

    def parse(v: Any) -> float:
        if isinstance(v, bool):
            raise ValueError
        f = float(v)
        if not (f >= minimum if inclusive else f > minimum) or f == float("inf"):
            raise ValueError
        return f

    return parse


_bool = parse_bool
_non_negative_int = int_in(0)


def _enum(*choices: str) -> Callable[[Any], str]:
    def parse(v: Any) -> str:
        s = str(getattr(v, "value", getattr(v, "name", v)) if not isinstance(v, str) else v)
        s = s.upper()
        if s == "TPUT":
            s = "THROUGHPUT"
        if s == "CTPUT":
            s = "CUMULATIVE_THROUGHPUT"
        if s not in choices:
            raise ValueError
        return s

    return parse


def _streams(v: Any) -> int | str:
    if isinstance(v, str) and v.upper() in ("AUTO", "NUMA"):
        return v.upper()
    i = _non_negative_int(v)
    return i


def _precision(v: Any) -> Type:
    t = Type.get(v)
    if t not in (Type.f32, Type.f16, Type.bf16, Type.i8, Type.dynamic):
        raise ValueError
    return t


def _str(v: Any) -> str:
    if not isinstance(v, (str, bytes)) and not hasattr(v, "__fspath__"):
        raise ValueError
    return str(v)


def _priorities(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return ",".join(str(x) for x in v)
    if not isinstance(v, str):
        raise ValueError
    return v


def _dict(v: Any) -> dict:
    if not isinstance(v, dict):
        raise ValueError
    return dict(v)


def _any(v: Any) -> Any:
    return v


HINTS = ("LATENCY", "THROUGHPUT", "CUMULATIVE_THROUGHPUT", "UNDEFINED")

STANDARD_PROPERTIES: dict[str, PropertySpec] = {
    spec.name: spec
    for spec in [
        PropertySpec("PERFORMANCE_HINT", _enum(*HINTS), "one of " + ", ".join(HINTS)),
        PropertySpec("PERFORMANCE_HINT_NUM_REQUESTS", _non_negative_int, "an integer >= 0"),
        PropertySpec("NUM_STREAMS", _streams, "an integer >= 0, AUTO or NUMA"),
        PropertySpec("INFERENCE_NUM_THREADS", _non_negative_int, "an integer >= 0"),
        PropertySpec("INFERENCE_PRECISION_HINT", _precision, "one of f32, f16, bf16, i8"),
        PropertySpec("EXECUTION_MODE_HINT", _enum("PERFORMANCE", "ACCURACY"),
                     "PERFORMANCE or ACCURACY"),
        PropertySpec("PERF_COUNT", _bool, "a boolean"),
        PropertySpec("ENABLE_CPU_PINNING", _bool, "a boolean"),
        PropertySpec("ENABLE_PROFILING", _bool, "a boolean"),
        PropertySpec("CACHE_DIR", _str, "a directory path"),
        PropertySpec("CACHE_MODE", _enum("OPTIMIZE_SPEED", "OPTIMIZE_SIZE"),
                     "OPTIMIZE_SPEED or OPTIMIZE_SIZE"),
        PropertySpec("DEVICE_ID", _str, "a device id string"),
        PropertySpec("LOG_LEVEL", _enum("LOG_NONE", "LOG_ERROR", "LOG_WARNING", "LOG_INFO",
                                        "LOG_DEBUG", "LOG_TRACE", "NO"), "a LOG_* level"),
        PropertySpec("MULTI_DEVICE_PRIORITIES", _priorities, "a device list like 'GPU,CPU'"),
        PropertySpec("DEVICE_PRIORITIES", _priorities, "a device list like 'GPU,CPU'"),
        PropertySpec("DEVICE_PROPERTIES", _dict, "a dict device -> properties"),
        PropertySpec("ENABLE_STARTUP_FALLBACK", _bool, "a boolean"),
        PropertySpec("ENABLE_RUNTIME_FALLBACK", _bool, "a boolean"),
        PropertySpec("MODEL_PRIORITY", _enum("LOW", "MEDIUM", "HIGH"), "LOW, MEDIUM or HIGH"),
        PropertySpec("SCHEDULE_POLICY", _enum("ROUND_ROBIN", "DEVICE_PRIORITY"),
                     "ROUND_ROBIN or DEVICE_PRIORITY"),
    ]
}


def read_only(name: str) -> PropertySpec:
    return PropertySpec(name, _any, "(read-only)", mutable=False)


def validate(specs: dict[str, PropertySpec], props: dict[str, Any], where: str) -> dict[str, Any]:
    """Normalised copy of ``props``; unknown keys or bad values raise PropertyError."""
    out: dict[str, Any] = {}
    for key, value in props.items():
        key = str(getattr(key, "value", key))
        spec = specs.get(key)
        if spec is None:
            raise PropertyError(
                f"{where}: unsupported property {key!r}; supported: {', '.join(sorted(specs))}"
            )
        if not spec.mutable:
            raise PropertyError(f"{where}: property {key!r} is read-only")
        try:
            out[key] = spec.parse(value)
        except (ValueError, TypeError, Exception) as exc:
            if isinstance(exc, PropertyError):
                raise
            raise PropertyError(
                f"{where}: property {key!r} got {value!r}; expected {spec.expected}"
            ) from None
    return out
