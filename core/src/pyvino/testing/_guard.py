"""The guard that keeps conformance suites honest: a standard test may only be overridden as
an expected failure with a reason, never silently replaced (or deleted by assigning None)."""

from __future__ import annotations

from typing import Any


def standard_tests(base: type) -> frozenset[str]:
    """Names of the ``test_*`` methods ``base`` defines."""
    return frozenset(name for name in vars(base) if name.startswith("test_"))


def _has_xfail_reason(value: Any) -> bool:
    marks = getattr(value, "pytestmark", [])
    return any(
        getattr(m, "name", "") == "xfail" and str(m.kwargs.get("reason", "")).strip() for m in marks
    )


def check_overrides(cls: type, base: type, standard: frozenset[str]) -> None:
    """Raise TypeError naming every standard test ``cls`` overrides without an xfail reason."""
    bad = sorted(
        name
        for name, value in vars(cls).items()
        if name in standard and not _has_xfail_reason(value)
    )
    if bad:
        raise TypeError(
            f"{cls.__qualname__} overrides standard {base.__name__} test(s) {', '.join(bad)} "
            "without an xfail reason: decorate the override with "
            "@pytest.mark.xfail(reason='why this device differs') (or list unsupported op "
            "types in `unsupported`) instead of replacing the test"
        )
