"""Absolute humidity by docs/jma-pages.md's formula ("Derived item"), with its quality rule."""

from __future__ import annotations

import math

import pytest

from batch.jma.derive import absolute_humidity, add_derived, worse_quality
from batch.jma.page import DailyPage, DailyRow, Observation


def reference(t: float, rh: float) -> float:
    e = rh / 100 * 6.1078 * 10 ** (7.5 * t / (t + 237.3))
    return 216.7 * e / (t + 273.15)


@pytest.mark.parametrize(("t", "rh"), [(20.0, 50.0), (28.3, 72.0), (-10.5, 80.0), (0.0, 100.0)])
def test_formula_of_jma_md(t, rh):
    obs = absolute_humidity(Observation(t, 8), Observation(rh, 8))
    assert obs.quality == 8
    assert obs.value == pytest.approx(reference(t, rh), abs=0.005)


def test_known_value():
    # 20 ℃ and 50 %: e = 11.69 hPa, AH = 8.64 g/m³ (textbook value 8.6).
    assert absolute_humidity(Observation(20.0, 8), Observation(50.0, 8)).value == pytest.approx(
        8.64, abs=0.01
    )


def test_quality_is_the_worse_input_in_jmas_order():
    # 8 best, then 5, 4, 2, 1, 0.
    assert worse_quality(8, 5) == 5
    assert worse_quality(5, 4) == 4
    assert worse_quality(4, 2) == 2
    assert worse_quality(2, 1) == 1
    assert worse_quality(1, 0) == 0
    assert worse_quality(0, 8) == 0
    obs = absolute_humidity(Observation(20.0, 5), Observation(50.0, 4))
    assert obs.quality == 4 and obs.value is not None


@pytest.mark.parametrize(
    ("temp", "rh", "quality"),
    [
        (Observation(None, 1), Observation(50.0, 8), 1),
        (Observation(20.0, 8), Observation(None, 2), 2),
        (Observation(20.0, 8), Observation(None, 0), 0),
        (None, Observation(50.0, 8), 0),
        (None, None, 0),
    ],
)
def test_no_value_when_an_input_is_missing(temp, rh, quality):
    assert absolute_humidity(temp, rh) == Observation(None, quality)


def test_add_derived_fills_every_row_and_leaves_the_input_alone():
    page = DailyPage(
        "a1",
        2020,
        1,
        [
            DailyRow(1, {"temp_avg": Observation(5.0, 8), "humidity_avg": Observation(60.0, 5)}),
            DailyRow(2, {"precip_total": Observation(0.0, 8, True)}),
        ],
    )
    derived = add_derived(page)
    assert "absolute_humidity" not in page.rows[0].values
    first = derived.rows[0].values["absolute_humidity"]
    assert first.quality == 5 and math.isclose(first.value, reference(5.0, 60.0), abs_tol=0.005)
    assert derived.rows[1].values["absolute_humidity"] == Observation(None, 0)
    assert derived.rows[1].values["precip_total"] == Observation(0.0, 8, True)
