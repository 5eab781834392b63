"""The replay server's hourly and 10-minute values: one station-day, consistent with its day.

Generated from the day's row of the daily page the replay server serves for that month (read
back with the daily parser), so the three time scales agree as JMA's do on the real pages
(tests/real_pages, 千葉 and 我孫子 2013-10-16): the 24 hourly precipitation values sum to the
daily total and each hour's six 10-minute values to the hour's; an hour's instant values
(pressure, temperature, humidity, wind) are the 10-minute row ending it; the hourly means of
pressure, temperature and humidity round to the daily means (half up), the 10-minute mean wind
to the daily mean wind; the largest 10-minute gust is the day's, in its direction; hourly
sunshine sums to the daily sunshine. Extremes stay inside the daily extremes.

A daily value that is missing (`///`, `×`, `#`) makes its sub-daily columns `///`, so AMeDAS
stations without humidity and rain-only stations look as their daily pages do. Every value
depends only on (block_no, day): the same numbers on every run.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date

from batch.jma.grid import CALM, COMPASS_POINTS
from batch.jma.page import Observation

SLOTS, HOURS = 144, 24
AT_HOUR = tuple(6 * h + 5 for h in range(HOURS))  # the 10-minute slot ending each hour
MISSING = "///"


@dataclass
class DayCells:
    """Cell texts, code -> list: 144 per 10-minute code, 24 per hourly code (marks included)."""

    ten: dict[str, list[str]] = field(default_factory=dict)
    hourly: dict[str, list[str]] = field(default_factory=dict)


def generate_day(
    block_no: str, day: date, daily: dict[str, Observation], *, observatory: bool, snow_belt: bool
) -> DayCells:
    """Both pages' cells for the day, from the daily page's row for it."""
    rng = random.Random(f"jma-replay-subdaily:{block_no}:{day.isoformat()}")

    def value(code: str) -> float | None:
        obs = daily.get(code)
        return obs.value if obs is not None and isinstance(obs.value, float) else None

    out = DayCells()
    season = -math.cos(2 * math.pi * (day.timetuple().tm_yday - 20) / 365.25)
    temps = _temperatures(rng, value("temp_avg"), value("temp_min"), value("temp_max"))
    _put(out, "temp", temps, 1)
    humidity = _humidity(rng, value("humidity_avg"), value("humidity_min"), temps)
    _put(out, "humidity", humidity, 0)
    if observatory:
        _pressures(out, rng, value("pressure_local_avg"), value("pressure_sea_avg"))
    _precipitation(out, rng, daily.get("precip_total"))
    _wind(out, rng, daily)
    sun_tenths = _sunshine(out, rng, value("sunshine_hours"), season)
    _hourly_only(out, rng, temps, humidity, sun_tenths, observatory)
    _snow(out, rng, value("snowfall_total"), value("snow_depth_max"), observatory, snow_belt)
    _place_marks(out, rng)
    return out


# --- numbers in integer units (tenths, percent): sums and means without float drift ---------


def _fmt(units: int, decimals: int) -> str:
    return f"{units / 10**decimals:.{decimals}f}" if decimals else str(units)


def _half_up_mean(units: list[int]) -> int:
    """The mean rounded half up, as JMA rounds its daily means (integer arithmetic)."""
    n = len(units)
    total = sum(units)
    return (2 * total + n) // (2 * n)


def _fit_mean(
    units: list[int], target: int, low: int, high: int, sample: tuple[int, ...]
) -> list[int]:
    """Shift the series (clamped to low..high) so its mean over `sample` rounds to target.

    Then nudges the sampled values one unit at a time where the shift and clamping left the
    rounded mean off; gives up quietly after a few rounds (a value stays plausible either way).
    """
    picked = [units[i] for i in sample]
    shift = round(target - sum(picked) / len(picked))
    fitted = [min(high, max(low, u + shift)) for u in units]
    for _ in range(20 * len(sample)):
        mean = _half_up_mean([fitted[i] for i in sample])
        if mean == target:
            break
        step = 1 if mean < target else -1
        slack = [i for i in sample if low <= fitted[i] + step <= high]
        if not slack:
            break
        i = slack[(mean + len(slack)) % len(slack)]
        fitted[i] += step
    return fitted


def _put(out: DayCells, code: str, units: list[int] | None, decimals: int) -> None:
    """A 10-minute series and the hourly series of the values at each hour."""
    if units is None:
        out.ten[code] = [MISSING] * SLOTS
        out.hourly[code] = [MISSING] * HOURS
        return
    texts = [_fmt(u, decimals) for u in units]
    out.ten[code] = texts
    out.hourly[code] = [texts[i] for i in AT_HOUR]


# --- elements ---------------------------------------------------------------------------------


def _diurnal(slot: int) -> float:
    """0 at 05:00, 1 at 14:00: the shape of a day's temperature."""
    t = (slot + 1) / 6
    if 5 <= t <= 14:
        return 0.5 - 0.5 * math.cos(math.pi * (t - 5) / 9)
    since_peak = t - 14 if t > 14 else t + 10
    return 0.5 + 0.5 * math.cos(math.pi * since_peak / 15)


def _shaped(rng: random.Random, shape: list[float], low: int, high: int, target: int) -> list[int]:
    """A series following shape (0…1 per slot) inside low..high whose hourly mean is target.

    The shape is raised to the power that gives the mean (found by bisection), so the values
    keep clear of both bounds; _fit_mean then settles the rounding.
    """
    if high - low < 4:
        return _fit_mean([target] * SLOTS, target, low, high, AT_HOUR)
    share = min(0.95, max(0.05, (target - low) / (high - low)))
    lo, hi = 0.05, 20.0  # g**p: the mean falls as p rises
    for _ in range(40):
        p = math.sqrt(lo * hi)
        mean = sum(0.03 + 0.94 * shape[i] ** p for i in AT_HOUR) / HOURS
        lo, hi = (p, hi) if mean > share else (lo, p)
    units = [
        round(low + (high - low) * (0.03 + 0.94 * g**p)) + rng.choice((-1, 0, 0, 1)) for g in shape
    ]
    return _fit_mean(units, target, low + 1, high - 1, AT_HOUR)


def _temperatures(
    rng: random.Random, avg: float | None, low: float | None, high: float | None
) -> list[int] | None:
    if avg is None:
        return None
    t_min = round(10 * (low if low is not None else avg - 4))
    t_max = round(10 * (high if high is not None else avg + 4))
    return _shaped(rng, [_diurnal(i) for i in range(SLOTS)], t_min, t_max, round(10 * avg))


def _humidity(
    rng: random.Random, avg: float | None, low: float | None, temps: list[int] | None
) -> list[int] | None:
    """Highest when it is coldest; above the day's minimum, at most 100 %."""
    if avg is None:
        return None
    target = round(avg)
    floor = min(target - 1, round(low) if low is not None else target - 20)
    if temps is None:
        shape = [0.5 + 0.1 * math.sin(i / 9) for i in range(SLOTS)]
    else:
        coldest, spread = min(temps), max(1, max(temps) - min(temps))
        shape = [1 - (t - coldest) / spread for t in temps]
    return _shaped(rng, shape, floor, 101, target)


def _pressures(out: DayCells, rng: random.Random, local: float | None, sea: float | None) -> None:
    if local is None or sea is None:
        _put(out, "pressure_local", None, 1)
        _put(out, "pressure_sea", None, 1)
        return
    target, offset = round(10 * local), round(10 * sea) - round(10 * local)
    slope = rng.gauss(0, 40)  # tenths of hPa over the day
    units = [
        round(target + slope * ((i + 1) / SLOTS - 0.5) + 8 * math.cos(math.pi * (i + 1) / 36))
        for i in range(SLOTS)
    ]
    units = _fit_mean(units, target, target - 400, target + 400, AT_HOUR)
    _put(out, "pressure_local", units, 1)
    _put(out, "pressure_sea", [u + offset for u in units], 1)


def _precipitation(out: DayCells, rng: random.Random, daily: Observation | None) -> None:
    """Half-millimetre tips spread over a spell: "0.0" inside it, "--" outside."""
    if daily is None or daily.value is None:
        out.ten["precip_total"], out.hourly["precip_total"] = [MISSING] * SLOTS, [MISSING] * HOURS
        return
    tenths = [None] * SLOTS  # None: "--"
    total = round(10 * float(daily.value))
    if not daily.no_phenomenon:
        length = min(SLOTS, max(6, total // 5 * 2))
        start = rng.randrange(0, SLOTS - length + 1)
        if total == 0:  # a trace: "0.0" in a slot or two, the day's total 0.0
            start, length = rng.randrange(0, SLOTS - 2), 2
        for i in range(start, start + length):
            tenths[i] = 0
        while total > 0:
            tip = min(5, total)
            i = start + min(length - 1, int(rng.triangular(0, length, length / 2)))
            tenths[i] += tip
            total -= tip
    out.ten["precip_total"] = ["--" if t is None else _fmt(t, 1) for t in tenths]
    hourly = []
    for h in range(HOURS):
        six = tenths[6 * h : 6 * h + 6]
        hourly.append("--" if all(t is None for t in six) else _fmt(sum(t or 0 for t in six), 1))
    out.hourly["precip_total"] = hourly


def _wind(out: DayCells, rng: random.Random, daily: dict[str, Observation]) -> None:
    avg, top = daily.get("wind_speed_avg"), daily.get("wind_speed_max")
    gust, gust_dir = daily.get("gust_speed_max"), daily.get("gust_dir_max")
    prevailing = daily.get("wind_dir_max")
    if avg is None or avg.value is None:
        for code in ("wind_speed", "wind_dir", "gust_speed_max", "gust_dir_max"):
            out.ten[code] = [MISSING] * SLOTS
        out.hourly["wind_speed"], out.hourly["wind_dir"] = [MISSING] * HOURS, [MISSING] * HOURS
        return
    target = round(10 * float(avg.value))
    ceiling = round(10 * float(top.value)) if top and top.value is not None else 2 * target + 10
    speeds = [
        max(0, round(target * (1 + 0.35 * math.sin(math.pi * i / 72 + 1))) + rng.randint(-8, 8))
        for i in range(SLOTS)
    ]
    speeds = _fit_mean(speeds, target, 0, max(ceiling, target), tuple(range(SLOTS)))
    start = prevailing.value if prevailing and prevailing.value in COMPASS_POINTS else "北"
    point = COMPASS_POINTS.index(str(start))
    directions = []
    for speed in speeds:
        point = (point + rng.choice((-1, 0, 0, 0, 0, 0, 1))) % 16
        directions.append(CALM if speed < 3 else COMPASS_POINTS[point])
    peak = round(10 * float(gust.value)) if gust and gust.value is not None else None
    gusts = [round(s * rng.uniform(1.4, 2.0)) + 5 for s in speeds]
    gust_dirs = [COMPASS_POINTS[(COMPASS_POINTS.index(d) + 1) % 16] if d != CALM else "北"
                 for d in directions]  # fmt: skip
    if peak is not None:
        gusts = [min(g, peak - 1) for g in gusts]
        windiest = max(range(SLOTS), key=lambda i: speeds[i])
        gusts[windiest] = peak
        if gust_dir and isinstance(gust_dir.value, str):
            gust_dirs[windiest] = gust_dir.value
    _put(out, "wind_speed", speeds, 1)
    out.ten["wind_dir"] = directions
    out.hourly["wind_dir"] = [directions[i] for i in AT_HOUR]
    out.ten["gust_speed_max"] = [_fmt(g, 1) for g in gusts]
    out.ten["gust_dir_max"] = gust_dirs


def _daylight(season: float) -> range:
    """The hours (1…24, each ending at that hour) with the sun up, longer in summer."""
    rise, fall = round(6 - 1.2 * season), round(18 + 1.2 * season)
    return range(rise + 1, fall + 1)


def _sunshine(
    out: DayCells, rng: random.Random, hours: float | None, season: float
) -> list[int] | None:
    """Tenths of an hour per hour; an hour's tenths x 6 are its six slots' minutes."""
    if hours is None:
        out.hourly["sunshine_hours"] = [MISSING] * HOURS
        out.ten["sunshine_minutes"] = [MISSING] * SLOTS
        return None
    daylight = _daylight(season)
    tenths = [0] * (HOURS + 1)
    left = min(round(10 * hours), 10 * len(daylight))
    while left > 0:
        hour = rng.choice(daylight)
        if tenths[hour] < 10:
            tenths[hour] += 1
            left -= 1
    out.hourly["sunshine_hours"] = [
        _fmt(tenths[h], 1) if h in daylight else "" for h in range(1, HOURS + 1)
    ]
    minutes: list[str] = []
    for h in range(1, HOURS + 1):
        if h not in daylight:
            minutes += [""] * 6
            continue
        slots, left = [0] * 6, tenths[h] * 6
        while left > 0:
            k = rng.randrange(6)
            if slots[k] < 10:
                slots[k] += 1
                left -= 1
        minutes += [str(m) for m in slots]
    out.ten["sunshine_minutes"] = minutes
    return tenths[1:]


def _hourly_only(
    out: DayCells,
    rng: random.Random,
    temps: list[int] | None,
    humidity: list[int] | None,
    sun: list[int] | None,
    observatory: bool,
) -> None:
    """Dew point and vapour pressure (Tetens), and on observatories' pages radiation,
    weather, cloud amount and visibility."""
    dew, vapour = [MISSING] * HOURS, [MISSING] * HOURS
    if temps is not None and humidity is not None:
        for h, i in enumerate(AT_HOUR):
            t = temps[i] / 10
            e = 6.1078 * 10 ** (7.5 * t / (t + 237.3)) * humidity[i] / 100
            x = math.log10(e / 6.1078)
            vapour[h], dew[h] = f"{e:.1f}", f"{237.3 * x / (7.5 - x):.1f}"
    out.hourly["dew_point"], out.hourly["vapor_pressure"] = dew, vapour
    if not observatory:
        return
    rain = [text not in ("--", MISSING) and float(text) > 0 for text in out.hourly["precip_total"]]
    weather, cloud, radiation, visibility = [], [], [], []
    clear_night = rng.random() < 0.5
    for h in range(HOURS):
        tenths = sun[h] if sun is not None else 0
        day_hour = sun is not None and out.hourly["sunshine_hours"][h] != ""
        if rain[h]:
            kind = "雨"
        elif day_hour:
            kind = "晴れ" if tenths >= 5 else "曇"
        else:
            kind = "晴れ" if clear_night else "曇"
        weather.append("" if rng.random() < 0.04 else kind)
        if (h + 1) % 3:
            cloud.append("")
        else:
            options = {"雨": ("10",), "曇": ("10-", "9", "8"), "晴れ": ("0+", "1", "2", "4")}
            cloud.append(rng.choice(options[kind]))
        megajoules = 0.3 + 0.25 * tenths / 10 + rng.uniform(0, 0.6)
        radiation.append(f"{megajoules:.2f}" if day_hour else "")
        km = rng.uniform(1.0, 9.9) if rain[h] else min(20.0, rng.uniform(12, 30))
        visibility.append(f"{km:.2f}" if km < 10 else f"{km:.1f}")
    out.hourly["weather"], out.hourly["cloud_amount"] = weather, cloud
    out.hourly["solar_radiation"], out.hourly["visibility"] = radiation, visibility


def _snow(
    out: DayCells,
    rng: random.Random,
    snowfall: float | None,
    depth: float | None,
    observatory: bool,
    snow_belt: bool,
) -> None:
    """Off the snow belt an observatory writes × (as 千葉 2013-10-16), an AMeDAS station ///."""
    if observatory and not snow_belt:
        out.hourly["snowfall_total"] = out.hourly["snow_depth"] = ["×"] * HOURS
        return
    if snowfall is None or depth is None:
        out.hourly["snowfall_total"] = out.hourly["snow_depth"] = [MISSING] * HOURS
        return
    falls = [0] * HOURS
    wet = [h for h, text in enumerate(out.hourly["precip_total"]) if text not in ("--", MISSING)]
    for _ in range(round(snowfall)):
        falls[rng.choice(wet or list(range(HOURS)))] += 1
    level, depths = max(0, round(depth) - round(snowfall)), []
    for fall in falls:
        level = min(round(depth), level + fall)
        depths.append(level)
    depths[-1] = max(depths[-1], round(depth)) if depth > 0 else 0
    out.hourly["snowfall_total"] = [str(f) if f else "--" for f in falls]
    out.hourly["snow_depth"] = [str(d) if d else "--" for d in depths]


def _place_marks(out: DayCells, rng: random.Random) -> None:
    """JMA's marks on each pair of pages: ")" on a temperature, "]", "#" and "×" on a wind
    direction, on the hour's row of both pages (an hour's values are the 10-minute row's)."""
    hours = rng.sample(range(HOURS), 4)
    for mark, hour, code in zip((")", "]", "#", "×"), hours, ("temp", "wind_dir", "wind_dir",
                                                           "wind_dir"), strict=True):  # fmt: skip
        text = out.hourly[code][hour]
        if text in (MISSING, ""):
            continue
        new = f"{text} {mark}" if mark in (")", "]") else mark
        out.hourly[code][hour] = new
        out.ten[code][AT_HOUR[hour]] = new
