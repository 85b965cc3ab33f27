#!/usr/bin/env python3
"""Generate synthetic raw data (41 contract tables as parquet) plus ground truth.

Thin CLI around gtm_warehouse.generator; see docs/GENERATOR.md.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gtm_warehouse.generator.config import DEFAULT_AS_OF, GeneratorConfig, parse_as_of  # noqa: E402


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2, no usage dump
        sys.stderr.write(f"generate_data.py: error: {message}\n")
        sys.exit(2)


def _positive_int(text: str) -> int:
    try:
        v = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if v <= 0:
        raise argparse.ArgumentTypeError(f"must be > 0: {text}")
    return v


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None


def _fraction(lo_inclusive: bool, hi: float, hi_inclusive: bool):
    def parse(text: str) -> float:
        try:
            v = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not ((v >= 0 if lo_inclusive else v > 0) and (v <= hi if hi_inclusive else v < hi)):
            raise argparse.ArgumentTypeError(f"out of range: {text}")
        return v
    return parse


def _as_of(text: str) -> int:
    try:
        return parse_as_of(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 instant: {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="generate_data.py",
        description="Generate the raw go-to-market data set (Segment events + CRM, product, support, ads, "
                    "surveys, privacy) as one parquet file per contract table, plus ground truth.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--events", type=_positive_int, required=True,
                   help="target number of Segment events (rows of pages + tracks + identifies + groups); hit within ±5%%")
    p.add_argument("--seed", type=_int, required=True, help="random seed; same arguments give byte-identical files")
    p.add_argument("--out", type=Path, required=True, help="output directory for <table>.parquet (overwritten)")
    p.add_argument("--truth", type=Path, default=None,
                   help="ground-truth directory (default: a folder named 'truth' beside --out); must not be inside --out")
    p.add_argument("--as-of", type=_as_of, default=DEFAULT_AS_OF, metavar="ISO",
                   help="end of the simulated period (UTC instant, e.g. 2026-11-01T00:00:00Z)")
    p.add_argument("--days", type=_positive_int, default=180, help="length of the simulated period in days")
    p.add_argument("--bad-rate", type=_fraction(True, 0.5, True), default=0.02,
                   help="share of Segment rows carrying one injected defect (0 to 0.5)")
    p.add_argument("--increment-fraction", type=_fraction(True, 1.0, False), default=0.0,
                   help="Segment rows whose uuid_ts falls in the latest F share of the period go to <out>/increment/ (0 <= F < 1)")
    p.add_argument("--workers", type=_positive_int, default=None,
                   help="processes simulating chunks in parallel (default: one per CPU, at most 8); "
                        "the output is identical for any value")
    p.add_argument("--quiet", action="store_true", help="no progress bar and no summary line")
    return p


def _check_writable(path: Path, what: str) -> str | None:
    p = path.resolve()
    existing = p
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        return f"{what} {path} is not a directory"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{what} {path} is not writable"
    return None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    out = args.out
    truth = args.truth if args.truth is not None else out.resolve().parent / "truth"
    if truth.resolve() == out.resolve() or out.resolve() in truth.resolve().parents:
        print(f"generate_data.py: error: --truth {truth} must not be inside --out {out}", file=sys.stderr)
        return 2
    for path, what in ((out, "--out"), (truth, "--truth")):
        msg = _check_writable(path, what)
        if msg:
            print(f"generate_data.py: error: {msg}", file=sys.stderr)
            return 1
    cfg = GeneratorConfig(events=args.events, seed=args.seed, out=out, truth=truth, as_of_us=args.as_of,
                          days=args.days, bad_rate=args.bad_rate, increment_fraction=args.increment_fraction,
                          quiet=args.quiet)
    from gtm_warehouse.generator import alloc

    alloc.tune()  # before pyarrow starts mimalloc: freed memory is reused, not page-faulted in again
    import pyarrow as pa

    from gtm_warehouse.generator.run import generate

    try:  # mimalloc returns memory to the OS more cheaply than jemalloc here (~15% less CPU)
        pa.set_memory_pool(pa.mimalloc_memory_pool())
    except (NotImplementedError, AttributeError):
        pass

    t0 = time.perf_counter()
    try:
        manifest = generate(cfg, workers=args.workers)
    except OSError as e:
        print(f"generate_data.py: error: {e.strerror or e} ({e.filename or out})", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("generate_data.py: interrupted; output is incomplete", file=sys.stderr)
        return 130
    dt = time.perf_counter() - t0
    if not args.quiet:
        n = manifest["events_written"]
        print(f"wrote {n:,} events ({manifest['people']:,} people, {len(manifest['row_counts'])} tables) "
              f"to {out} in {dt:.1f} s ({n / dt:,.0f} events/s, {manifest['workers']} workers); truth in {truth}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
