"""Environment variables read once, typed and checked, for config/settings.py.

Every setting the environment can give is parsed here at start-up. A bad value stops the
process with one ImproperlyConfigured that names the variable, says what it must be and
shows what it got (`JMA_MIN_INTERVAL_S must be a number of seconds ≥ 0, got 'abc'`); manage.py
prints that one line. Everything else reads `settings.NAME`, already of the right type.
"""

from __future__ import annotations

import math
import os
import re

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}
# DRF's throttle rates: a count per second, minute, hour or day ("30/min", "5/hour").
RATE = re.compile(r"^\d+/(s|sec|second|m|min|minute|h|hour|d|day)$")


def _raw(name: str) -> str | None:
    """The variable's text, or None when it is unset or empty (the default applies)."""
    raw = os.environ.get(name)
    return None if raw is None or raw.strip() == "" else raw.strip()


def _bad(name: str, wanted: str, raw: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name} must be {wanted}, got {raw!r}")


def _bounds(minimum: float | None, above: float | None) -> str:
    if above is not None:
        return f" > {above:g}"
    return f" ≥ {minimum:g}" if minimum is not None else ""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = _raw(name)
    if raw is None:
        return default
    if raw not in choices:
        quoted = [repr(choice) for choice in choices]
        wanted = " or ".join(quoted) if len(quoted) == 2 else "one of " + ", ".join(quoted)
        raise _bad(name, wanted, raw)
    return raw


def env_bool(name: str, default: bool) -> bool:
    raw = _raw(name)
    if raw is None:
        return default
    word = raw.lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise _bad(name, "1/0, true/false, yes/no or on/off", raw)
    return word in TRUE_WORDS


def env_int(
    name: str, default: int, *, minimum: int | None = 0, unit: str = "", above: int | None = None
) -> int:
    """A whole number (of `unit`, if given), at least `minimum` (or more than `above`)."""
    raw = _raw(name)
    wanted = f"a whole number{f' of {unit}' if unit else ''}{_bounds(minimum, above)}"
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise _bad(name, wanted, raw) from None
    if (above is not None and value <= above) or (minimum is not None and value < minimum):
        raise _bad(name, wanted, raw)
    return value


def env_float(
    name: str,
    default: float,
    *,
    minimum: float | None = 0.0,
    unit: str = "",
    above: float | None = None,
) -> float:
    """A number (of `unit`, if given), at least `minimum` (or more than `above`)."""
    raw = _raw(name)
    wanted = f"a number{f' of {unit}' if unit else ''}{_bounds(minimum, above)}"
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise _bad(name, wanted, raw) from None
    out_of_range = (above is not None and not value > above) or (
        minimum is not None and not value >= minimum
    )
    if not math.isfinite(value) or out_of_range:
        raise _bad(name, wanted, raw)
    return value


def env_seconds(name: str, default: float, *, above: float | None = None) -> float:
    """A number of seconds ≥ 0 (or more than `above`)."""
    return env_float(name, default, unit="seconds", above=above)


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def env_rate(name: str, default: str) -> str:
    """A throttle rate as DRF reads it: "30/min", "5/hour", "100/day"."""
    raw = _raw(name)
    if raw is None:
        return default
    if not RATE.match(raw):
        raise _bad(name, 'a rate such as "30/min" (per s, min, hour or day)', raw)
    return raw
