"""Hostile request bodies (issue 15): time and error size, stock DRF vs this API, one run.

    .venv/bin/python tests/benchmarks/bench_hostile_bodies.py [--elements 866600] [--rounds 3]

The reported attack: POST requests/ whose `stations` holds 866,600 empty strings (2.6 MB).
Validation with DRF's ListField (every element first, one message per element) rendered
with every message (as before) against the API's BoundedListField (the length first: one
message) rendered with at most 20 messages per field; and a 1,000-deep nested body through
DRF's JSONParser and the API's. No database is touched. Prints one line per variant and the ratio.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from tests.benchmarks import harness  # noqa: E402
from tests.benchmarks.harness import SECRET_KEY  # noqa: E402


def setup_django() -> None:
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", SECRET_KEY)
    harness.setup_django()


def timed(fn, rounds: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elements", type=int, default=866_600)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from rest_framework import serializers
    from rest_framework.exceptions import ParseError
    from rest_framework.parsers import JSONParser

    from presentation.errors import _flatten, _validation_fields

    def uncapped(detail) -> dict:  # the error renderer before issue 15: every message
        return {str(key): _flatten(value) for key, value in detail.items()}

    from presentation.parsers import BoundedJSONParser
    from presentation.serializers import CreateRequestSerializer

    class StockListSerializer(CreateRequestSerializer):
        stations = serializers.ListField(
            child=serializers.CharField(max_length=5), required=False, max_length=2000
        )

    body = {
        "start_year": 2020,
        "start_month": 1,
        "end_year": 2020,
        "end_month": 3,
        "stations": [""] * args.elements,
        "items": ["temp_avg"],
    }
    raw = json.dumps(body, separators=(",", ":"))
    print(f"body: {len(raw) / 1e6:.1f} MB, stations: {args.elements} empty strings")

    def validate(serializer_class, render):
        def run() -> int:
            data = serializer_class(data=body)
            assert not data.is_valid()
            return len(json.dumps({"fields": render(data.errors)}, ensure_ascii=False))

        return run

    stock_s, stock_size = timed(validate(StockListSerializer, uncapped), args.rounds)
    ours_s, ours_size = timed(validate(CreateRequestSerializer, _validation_fields), args.rounds)
    print(f"DRF ListField      : {stock_s * 1000:9.1f} ms, error body {stock_size:>10} bytes")
    print(f"BoundedListField   : {ours_s * 1000:9.1f} ms, error body {ours_size:>10} bytes")
    print(f"ratio (stock/ours) : time x{stock_s / ours_s:.0f}, size x{stock_size / ours_size:.0f}")

    nested = b'{"email": ' + b"[" * 1000 + b"]" * 1000 + b"}"
    for name, parser_class in (
        ("DRF JSONParser", JSONParser),
        ("BoundedJSONParser", BoundedJSONParser),
    ):
        try:
            parser_class().parse(io.BytesIO(nested))
            outcome = "parsed (the depth reaches the serializers and the error renderer)"
        except ParseError as exc:
            outcome = f"400 {exc.detail}"
        except RecursionError:
            outcome = "RecursionError (500)"
        print(f"1000-deep nesting, {name:18}: {outcome}")


if __name__ == "__main__":
    main()
