"""Orchestration: calibrate the population, simulate chunk by chunk, stream everything to parquet."""
from __future__ import annotations

import json
import math
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pyarrow as pa
from tqdm import tqdm

from gtm_warehouse.contract import load_contract

from . import config as C
from . import defects as D
from .ads import AdsAccumulator
from .chunk import build_world
from .crm import CONVERSION_DRIVERS
from .product import CHURN_DRIVERS
from .ids import Ids
from .segment import Renderer, build_frame, time_and_defects
from .tables import crm_tables, global_tables, product_tables, support_tables, survey_privacy_tables
from .truth import (SCHEMAS, truth_accounts, truth_channel_lift, truth_events, truth_identities, truth_people,
                    truth_phones, truth_sessions)
from .parallel import MAX_WORKERS, ChunkPool
from .writer import BackgroundWriter, ParquetSet, RawWriter, raw_schemas, split_increment, to_table

# Runs of at least this many events have several chunks at any plausible events/person (about 9 per
# person, 20,000 people per chunk): their worker pool starts before the calibration.
EARLY_POOL_EVENTS = 1_000_000
CALIBRATION_CHUNK = 999_999  # chunk index of the (unwritten) pilot used to calibrate events/person
CORE_EVENT_TABLES = ("pages", "tracks", "identifies", "groups")
ROW_DUP_SHARE = D.ROW_DEFECTS["duplicate_message_id"][0]


def events_per_person(cfg: C.GeneratorConfig, ids: Ids, event_tables: set[str]) -> float:
    """Expected Segment core rows per person, measured on a deterministic pilot chunk."""
    n = cfg.chunk_people
    w = build_world(cfg, CALIBRATION_CHUNK, n, ids, event_tables, strings=False)
    rows = len(w.slots.t) + len(w.prod.server.t)
    dup = ROW_DUP_SHARE * cfg.bad_rate * 1.2
    return rows * (1.0 + dup) / n


def _count_events(cfg: C.GeneratorConfig, ids: Ids, event_tables: set[str], chunks: list[int]) -> float:
    dup = ROW_DUP_SHARE * cfg.bad_rate * 1.2
    total = 0
    for ci, n in enumerate(chunks):
        w = build_world(cfg, ci, n, ids, event_tables, strings=False)
        total += len(w.slots.t) + len(w.prod.server.t)
    return total * (1.0 + dup)


def plan_people(cfg: C.GeneratorConfig, ids: Ids, event_tables: set[str]) -> tuple[float, int, list[int]]:
    """People count (and chunk sizes) expected to give ``cfg.events`` events.

    Large runs use the pilot's events/person (relative noise ~1/sqrt(people) is tiny). Small runs
    (up to 3 chunks) refine by simulating the planned chunks without rendering, a few times.
    """
    rate = events_per_person(cfg, ids, event_tables)
    people = max(1, round(cfg.events / rate))
    chunks = plan_chunks(people, cfg.chunk_people)
    if len(chunks) <= 3:
        # The event count of a given people count is one noisy draw (heavy-tailed accounts), so
        # try several nearby people counts and keep the closest, within a simulation budget.
        budget = 150_000 if len(chunks) == 1 else 3 * people
        best = (float("inf"), people)
        tried: set[int] = set()
        candidate = people
        while budget > 0 and len(tried) < 25:
            tried.add(candidate)
            got = _count_events(cfg, ids, event_tables, plan_chunks(candidate, cfg.chunk_people))
            budget -= candidate
            best = min(best, (abs(got - cfg.events), candidate))
            if best[0] <= 0.01 * cfg.events:
                break
            candidate = max(1, round(candidate * cfg.events / max(got, 1.0)))
            step = 1
            while candidate in tried:  # a repeat would give the same draw: step around it
                candidate = max(1, candidate + (step if step % 2 else -step))
                step += 1
        people = best[1]
        chunks = plan_chunks(people, cfg.chunk_people)
    return rate, people, chunks


def plan_chunks(total_people: int, chunk_people: int) -> list[int]:
    k = max(1, math.ceil(total_people / chunk_people))
    return [chunk_people] * (k - 1) + [total_people - chunk_people * (k - 1)]


def simulate_chunk(cfg: C.GeneratorConfig, ci: int, n_people: int, event_tables: set[str],
                   cutoff: int | None) -> dict:
    """Simulate and render one chunk: every table of the chunk as an Arrow table, in a fixed order.

    Pure function of its arguments (the chunk's RNG is seeded from (seed, chunk)), so it gives the
    same tables in any process; ``run`` writes them in chunk order, so files do not depend on the
    number of workers.
    """
    ids = Ids(cfg.seed)
    schemas = raw_schemas()
    w = build_world(cfg, ci, n_people, ids, event_tables)
    f = build_frame(w)
    tm = time_and_defects(w, f)
    seg = Renderer(w, f, tm).render_all()
    raw: list[tuple[str, str, pa.Table]] = []
    for name, cols in seg.items():
        raw.extend(split_increment(name, to_table(schemas[name], cols), cutoff))
    events = sum(len(seg[n]["id"]) for n in CORE_EVENT_TABLES)
    del seg
    for group in (crm_tables(w), product_tables(w), support_tables(w), survey_privacy_tables(w)):
        for name, cols in group.items():
            raw.append(("main", name, to_table(schemas[name], cols)))
    ev, counts = truth_events(w, f, tm, event_tables)
    truth = [("events", ev), ("sessions", truth_sessions(w)), ("identities", truth_identities(w)),
             ("people", truth_people(w)), ("accounts", truth_accounts(w)), ("channel_lift", truth_channel_lift(w)),
             ("phones", truth_phones(w))]
    truth = [(n, to_table(SCHEMAS[n], cols) if isinstance(cols, dict) else cols) for n, cols in truth]
    paid = np.isin(w.visits.channel, [C.CH_PAID_SEARCH, C.CH_PAID_SOCIAL])
    return {"chunk": ci, "raw": raw, "truth": truth, "defects": counts, "events": events,
            "ads": (np.where(paid, w.visits.campaign, -1), w.visits.start)}


def default_workers() -> int:
    """One worker per CPU this process may use, capped at MAX_WORKERS."""
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        n = os.cpu_count() or 1
    return max(1, min(n, MAX_WORKERS))


def generate(cfg: C.GeneratorConfig, workers: int | None = None) -> dict:
    """Run the generator; returns the manifest (also written to ``<truth>/manifest.json``).

    ``workers`` processes simulate chunks in parallel (default: one per CPU, capped); 1 runs
    everything in this process. The output files are identical for any ``workers``.
    """
    t0 = time.perf_counter()
    workers = default_workers() if workers is None else max(1, int(workers))
    contract = load_contract()
    event_tables = {n for n, t in contract.items() if t.segment_event_table}
    ids = Ids(cfg.seed)
    # A large run starts its workers first, so that they start up (fork server, imports, contract) while
    # this process calibrates; a small run waits for the plan (a one-chunk run starts no worker at all).
    pool = ChunkPool(workers) if workers > 1 and cfg.events >= EARLY_POOL_EVENTS else None
    try:
        rate, people, chunks = plan_people(cfg, ids, event_tables)
    except BaseException:
        if pool is not None:
            pool.close()
        raise
    workers = min(workers, len(chunks))
    if pool is None and workers > 1:
        pool = ChunkPool(workers)
    try:
        cutoff = None
        if cfg.increment_fraction > 0:
            cutoff = int(cfg.start_us + (1.0 - cfg.increment_fraction) * (cfg.as_of_us - cfg.start_us))
        bg = BackgroundWriter(threads=min(max(workers, 1), 4))
        raw = RawWriter(cfg.out, contract, cutoff, bg)
        truth = ParquetSet(cfg.truth, SCHEMAS, bg)
        ads = AdsAccumulator(cfg)
        defect_counts = {c: 0 for c in D.CODES}
        events_written = 0
        bar = tqdm(total=cfg.events, unit="ev", unit_scale=True, disable=cfg.quiet, file=sys.stderr,
                   desc="generating", dynamic_ncols=True)
        jobs = [(cfg, ci, n, event_tables, cutoff) for ci, n in enumerate(chunks)]
        results = pool.map(jobs) if pool is not None else (simulate_chunk(*j) for j in jobs)
        for res in results:  # chunk order
            for part, name, tbl in res["raw"]:
                raw.write_table(part, name, tbl)
            for name, tbl in res["truth"]:
                truth.write(name, tbl)
            for k, v in res["defects"].items():
                defect_counts[k] += v
            ads.add(*res["ads"])
            events_written += res["events"]
            bar.update(res["events"])
            del res
        bar.close()
    finally:
        if pool is not None:
            pool.close()
    ad_tables, cost = ads.tables(ids.sf)
    for name, cols in ad_tables.items():
        raw.write(name, cols)
    for name, cols in global_tables(ids, cfg, cost).items():
        raw.write(name, cols)
    counts = raw.close()
    truth_counts = truth.close()
    bg.finish()
    seconds = time.perf_counter() - t0
    core_rows = sum(counts["main"][n] + counts.get("increment", {}).get(n, 0) for n in CORE_EVENT_TABLES)
    manifest = {
        "generator_version": C.GENERATOR_VERSION,
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(cfg).items()},
        "seed": cfg.seed,
        "as_of": cfg.as_of_iso,
        "period_days": cfg.days,
        "events_requested": cfg.events,
        "events_written": core_rows,
        "events_per_person_calibrated": rate,
        "people": people,
        "chunks": len(chunks),
        "workers": workers,
        "row_counts": counts["main"],
        "increment_row_counts": counts.get("increment", {}),
        "increment_cutoff_uuid_ts": None if cutoff is None else _iso(cutoff),
        "truth_row_counts": truth_counts,
        "defect_counts": defect_counts,
        "defect_rates": {c: s * cfg.bad_rate for c, (s, _) in D.ROW_DEFECTS.items()}
        | {"null_timestamp": D.NULL_TIMESTAMP_SHARE * cfg.bad_rate,
           "malformed_email (of e-mail rows)": D.EMAIL_MALFORMED_RATE,
           "email_needs_normalisation (of e-mail rows)": D.EMAIL_NORMALISE_RATE},
        "expected_quarantine_reasons": D.QUARANTINE,
        "conversion_drivers": CONVERSION_DRIVERS,
        "churn_drivers": CHURN_DRIVERS,
        "channel_causal_lift": {ch: {"lead_lift_per_visit": lead, "opportunity_logit_lift": opp}
                                for ch, lead, opp in zip(C.CHANNELS, C.CHANNEL_LEAD_LIFT, C.CHANNEL_OPP_LIFT)},
        "seconds": round(seconds, 2),
    }
    cfg.truth.mkdir(parents=True, exist_ok=True)
    (cfg.truth / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True, default=str) + "\n")
    return manifest


def _iso(us: int) -> str:
    from datetime import datetime, timezone
    return datetime.fromtimestamp(us / 1e6, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
