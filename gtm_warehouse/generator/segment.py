"""Segment tables: assemble web + server events into one frame, time them, inject defects, render.

Timing follows Segment: true time T, batch delay B, latency L, device clock skew K, then
``original_timestamp = T - L + K``, ``sent_at = T - L + B + K``, ``received_at = T + B``,
``timestamp = received_at - (sent_at - original_timestamp) = T`` and ``uuid_ts = received_at +
load delay``. All of T, B, L and K are whole milliseconds, so the rule reproduces T exactly.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import config as C
from . import defects as D
from . import fmt
from .web import K_GROUP, K_IDENTIFY_LEAD, K_IDENTIFY_USER, K_LOGIN, K_PAGE, K_TRACK, PAGE_APP, PAGE_SIGNUP

if TYPE_CHECKING:
    from .chunk import World

US = 1_000_000
MS = 1000
T_PAGES, T_TRACKS, T_IDENTIFIES, T_GROUPS = range(4)
CORE = ["pages", "tracks", "identifies", "groups"]


def snake(name: str) -> str:
    return name.lower().replace(" ", "_")


EVENT_TABLE = {i: snake(n) for i, n in enumerate(C.EVENT_NAMES)}
PATHS = [p[0] for p in C.PAGES] + [C.SIGNUP_PAGE[0], C.APP_PAGE[0]]
PAGE_NAMES = [p[1] for p in C.PAGES] + [C.SIGNUP_PAGE[1], C.APP_PAGE[1]]
TITLES = [p[2] for p in C.PAGES] + [C.SIGNUP_PAGE[2], C.APP_PAGE[2]]


@dataclass
class Frame:
    """One row per Segment core message (before duplication)."""

    table: np.ndarray
    server: np.ndarray
    person: np.ndarray
    device: np.ndarray
    visit: np.ndarray
    slot: np.ndarray  # index into world.slots or -1
    kind: np.ndarray
    event: np.ndarray
    ref: np.ndarray
    lib: np.ndarray
    t: np.ndarray
    user: np.ndarray  # user_id is set
    counter: np.ndarray

    def __len__(self) -> int:
        return len(self.t)


def build_frame(w: "World") -> Frame:
    s, v, srv = w.slots, w.visits, w.prod.server
    ns, nv = len(s.t), len(srv.t)
    table = np.select([s.kind == K_PAGE, s.kind == K_TRACK, s.kind == K_GROUP], [T_PAGES, T_TRACKS, T_GROUPS], T_IDENTIFIES)
    n = ns + nv
    return Frame(
        table=np.r_[table, np.full(nv, T_TRACKS)],
        server=np.r_[np.zeros(ns, bool), np.ones(nv, bool)],
        person=np.r_[v.person[s.visit], srv.person],
        device=np.r_[v.device[s.visit], np.full(nv, -1)],
        visit=np.r_[s.visit, np.full(nv, -1)],
        slot=np.r_[np.arange(ns), np.full(nv, -1)],
        kind=np.r_[s.kind, np.full(nv, K_TRACK)],
        event=np.r_[s.event, srv.event],
        ref=np.r_[np.full(ns, -1), srv.ref],
        lib=np.r_[np.full(ns, -1), srv.lib],
        t=np.r_[s.t, srv.t // MS * MS],
        user=np.r_[s.logged_in & (s.kind != K_IDENTIFY_LEAD), np.ones(nv, bool)],
        counter=(np.int64(w.chunk) << 32) + np.arange(n, dtype=np.int64),
    )


@dataclass
class Timed:
    """Expanded rows (duplicates repeated) with timing and defects."""

    row: np.ndarray  # index into Frame
    copy: np.ndarray  # 0 original, 1.. re-delivered copies
    defect: np.ndarray  # defect code index or -1
    received: np.ndarray
    uuid_ts: np.ndarray
    original: np.ndarray
    sent: np.ndarray
    n_copies: np.ndarray  # per Frame row
    defect_f: np.ndarray  # per Frame row
    email_defect_f: np.ndarray  # per Frame row: 0 clean, 1 malformed, 2-4 harmless variants


def time_and_defects(w: "World", f: Frame) -> Timed:
    rng, cfg = w.rng, w.cfg
    n = len(f)
    defect = D.assign_row_defects(rng, n, cfg.bad_rate)
    web = ~f.server
    L = np.where(web, rng.integers(20, 800, n), rng.integers(1, 60, n)) * MS
    B = (np.where(web, rng.exponential(1500.0, n), rng.exponential(200.0, n))).astype(np.int64) * MS
    K = np.zeros(n, dtype=np.int64)
    load = rng.integers(60 * US, 3600 * US, n)
    ci = D.CODE_INDEX
    # late arrival: hours to days, bounded so that it still lands before as-of
    late = defect == ci["late_arriving"]
    room = cfg.as_of_us - f.t - load - 5 * 60 * US
    want = rng.integers(2 * 3600 * US, 4 * 86_400 * US, n) // MS * MS
    ok = late & (room > 2 * 3600 * US)
    B = np.where(ok, np.minimum(want, room // MS * MS), B)
    defect = np.where(late & ~ok, -1, defect)
    skew = defect == ci["clock_skew"]
    mag = np.where(rng.random(n) < 0.6, rng.integers(2 * 60, 3600, n), rng.integers(3600, 3 * 86_400, n)) * US
    K = np.where(skew, np.where(rng.random(n) < 0.5, -mag, mag), K)
    received = f.t + B
    uuid_ts = received + load
    n_copies = np.where(defect == ci["duplicate_message_id"], np.where(rng.random(n) < 0.2, 3, 2), 1)
    row = np.repeat(np.arange(n), n_copies)
    copy = np.arange(len(row)) - np.repeat(np.cumsum(n_copies) - n_copies, n_copies)
    shift = np.where(copy > 0, rng.integers(60 * US, 6 * 3600 * US, len(row)) // MS * MS * copy, 0)
    shift = np.minimum(shift, np.maximum(cfg.as_of_us - 60 * US - uuid_ts[row], 0) // MS * MS)
    return Timed(row=row, copy=copy, defect=defect[row], received=received[row] + shift,
                 uuid_ts=uuid_ts[row] + shift, original=(f.t - L + K)[row], sent=(f.t - L + B + K)[row],
                 n_copies=n_copies, defect_f=defect,
                 email_defect_f=np.where(defect < 0, D.email_defects(rng, n), 0))


def _pick(vocab: list[str], rng: np.random.Generator, n: int) -> pa.Array:
    return fmt.take(vocab, rng.integers(0, len(vocab), n))


def _replace(arr: pa.Array, mask: np.ndarray, values: pa.Array) -> pa.Array:
    """Replace the masked entries of ``arr``; ``values`` has one entry per masked row or per row."""
    k = int(mask.sum())
    if k == 0:
        return arr
    if len(values) != k:
        values = values.filter(pa.array(mask))
    return pc.replace_with_mask(arr, pa.array(mask), values.cast(arr.type))


def _pick_k(vocab: list[str], rng: np.random.Generator, mask: np.ndarray) -> pa.Array:
    return _pick(vocab, rng, int(mask.sum()))


class Renderer:
    """Renders the rows of one chunk into Arrow tables keyed by contract table name."""

    def __init__(self, w: "World", f: Frame, tm: Timed) -> None:
        self.w, self.f, self.tm = w, f, tm

    # -- common Segment columns -------------------------------------------------------------------
    def common(self, r: np.ndarray) -> dict[str, pa.Array]:
        """Columns shared by all Segment tables for expanded rows ``r`` (indexes into Timed)."""
        w, f, tm = self.w, self.f, self.tm
        rng = w.rng
        fr = tm.row[r]
        n = len(r)
        d = tm.defect[r]
        ci = D.CODE_INDEX
        dev = f.device[fr]
        person = f.person[fr]
        miss = d == ci["missing_identity"]
        anon = w.s_dev["anon"].take(pa.array(np.maximum(dev, 0), mask=(dev < 0) | miss))
        user = w.s_ppl["user_id"].take(pa.array(person, mask=~f.user[fr] | miss))
        both = d == ci["placeholder_ids_both"]
        anon = _replace(anon, both, _pick_k(D.PLACEHOLDERS, rng, both))
        user = _replace(user, both, _pick_k(D.PLACEHOLDERS, rng, both))
        one = d == ci["placeholder_id_one"]
        has_anon = dev >= 0
        has_user = f.user[fr]
        # put the placeholder in the empty id, or in the anonymous id when both are set
        in_user = one & has_anon & ~has_user
        in_anon = one & ~in_user
        user = _replace(user, in_user, _pick_k(D.PLACEHOLDERS, rng, in_user))
        anon = _replace(anon, in_anon, _pick_k(D.PLACEHOLDERS, rng, in_anon))
        t = f.t[fr]
        ts_str = fmt.iso_ms(t)
        orig_str = fmt.iso_ms(tm.original[r])
        bad_ts = d == ci["unparseable_timestamp"]
        garbage = _pick_k(D.GARBAGE_TIMESTAMPS, rng, bad_ts)
        ts_str = _replace(ts_str, bad_ts, garbage)
        orig_str = _replace(orig_str, bad_ts, garbage)
        fut = d == ci["future_timestamp"]
        if fut.any():
            years = rng.integers(2, 9, int(fut.sum())) * 365 * 86_400 * US
            ts_str = _replace(ts_str, fut, fmt.iso_ms(t[fut] + years))
        ts_str = fmt.null_where(ts_str, d == ci["null_timestamp"])
        cols: dict[str, pa.Array] = {
            "id": w.ids.message_id(f.counter[fr]),
            "anonymous_id": anon,
            "user_id": user,
            "received_at": fmt.ts(tm.received[r]),
            "sent_at": fmt.iso_ms(tm.sent[r]),
            "timestamp": ts_str,
            "original_timestamp": orig_str,
            "uuid_ts": fmt.ts(tm.uuid_ts[r]),
        }
        web = ~f.server[fr]
        cols["context_ip"] = w.s_dev["ip"].take(pa.array(np.maximum(dev, 0), mask=~web))
        cols["context_user_agent"] = w.s_dev["ua"].take(pa.array(np.maximum(dev, 0), mask=~web))
        lib = f.lib[fr]
        cols["context_library_name"] = fmt.take(["analytics.js"] + C.SERVER_LIBS, np.where(web, 0, lib + 1))
        cols["context_library_version"] = fmt.take([C.ANALYTICS_JS_VERSION] + C.SERVER_LIB_VERSIONS, np.where(web, 0, lib + 1))
        cols.update(self.page_context(fr, web, d))
        return cols

    def page_context(self, fr: np.ndarray, web: np.ndarray, d: np.ndarray) -> dict[str, pa.Array]:
        """Page context of web rows (NULL on server rows); one ``take`` per column.

        Rows on the landing page carry the visit's URL query (UTMs, click ids) and external referrer;
        other pages carry the bare URL and the previous page as referrer.
        """
        w, f = self.w, self.f
        s = w.slots
        slot = np.maximum(f.slot[fr], 0)
        nomask = ~web
        page = np.where(web, s.ctx_page[slot], 0)
        landing = web & s.ctx_is_landing[slot]
        visit = np.maximum(f.visit[fr], 0)
        npth = len(PATHS)
        lv = w.landing_vocab()
        url = lv["url"].take(pa.array(np.where(landing, npth + visit, page), mask=nomask))
        search = lv["search"].take(pa.array(np.where(landing, 1 + visit, 0), mask=nomask))
        referrer = lv["referrer"].take(pa.array(np.where(landing, npth + visit, np.maximum(s.prev_page[slot], 0)),
                                                mask=nomask))
        path = fmt.take(PATHS, page, nomask)
        title = fmt.take(TITLES, page, nomask)
        ci = D.CODE_INDEX
        long_m = d == ci["long_string"]
        if long_m.any():
            k = int(long_m.sum())
            longs = pa.array([("Pricing " * 1700)[: 10_000 + (i * 37) % 3000] for i in range(k)])
            title = _replace(title, long_m, longs)
        weird_m = d == ci["weird_text"]
        if weird_m.any():
            title = _replace(title, weird_m, _pick_k(D.WEIRD_TEXT, w.rng, weird_m))
        camp_m = landing & w.v_has_utm_ctx[visit]
        cols = {
            "context_page_url": url,
            "context_page_path": path,
            "context_page_referrer": referrer,
            "context_page_title": title,
            "context_page_search": search,
        }
        vi = pa.array(visit, mask=~camp_m)
        for c in ("source", "medium", "name", "term", "content"):
            cols["context_campaign_" + c] = w.s_vis["utm_" + c].take(vi)
        return cols

    # -- tables -----------------------------------------------------------------------------------
    def core_table(self, table: int, r: np.ndarray) -> dict[str, pa.Array]:
        cols = self.common(r)
        w, f, tm = self.w, self.f, self.tm
        fr = tm.row[r]
        n = len(r)
        if table == T_PAGES:
            slot = f.slot[fr]
            page = w.slots.page[slot]
            cols["name"] = fmt.take(PAGE_NAMES, page)
            cols["path"] = cols["context_page_path"]
            cols["referrer"] = cols["context_page_referrer"]
            cols["search"] = cols["context_page_search"]
            cols["title"] = cols["context_page_title"]
            cols["url"] = cols["context_page_url"]
        elif table == T_TRACKS:
            ev = f.event[fr]
            cols["event"] = fmt.take([snake(x) for x in C.EVENT_NAMES], ev)
            cols["event_text"] = fmt.take(C.EVENT_NAMES, ev)
        elif table == T_IDENTIFIES:
            person = f.person[fr]
            kind = f.kind[fr]
            lead = kind == K_IDENTIFY_LEAD
            full = kind == K_IDENTIFY_USER
            sp = w.s_ppl
            pa_person = pa.array(person)
            cols["email"] = w.email_column(person, tm.email_defect_f[fr])
            for c in ("name", "first_name", "last_name"):
                cols[c] = fmt.null_where(sp[c].take(pa_person), lead)
            for c in ("role", "roles", "title", "company_name"):
                cols[c] = fmt.null_where(sp[c].take(pa_person), ~full)
            cols["created_at"] = fmt.ts(w.state["signup_t"][person], mask=lead)
        elif table == T_GROUPS:
            person = f.person[fr]
            wsi = w.ws.person_ws[person]
            acc = w.ws.account[wsi]
            cols["group_id"] = w.s_ws["id"].take(pa.array(wsi))
            cols["name"] = w.s_ws["name"].take(pa.array(wsi))
            cols["industry"] = fmt.take(C.INDUSTRIES, w.acc.industry[np.maximum(acc, 0)], acc < 0)
            cols["employees"] = pa.array(w.acc.employees[np.maximum(acc, 0)], mask=acc < 0, type=pa.int64())
            paid = (w.ws_paid_t[wsi] >= 0) & (w.ws_paid_t[wsi] <= f.t[fr])
            cols["plan"] = fmt.take(C.PLANS, np.where(paid, w.ws_paid_plan[wsi], 0))
            cols["website"] = w.s_acc["website"].take(pa.array(np.maximum(acc, 0), mask=acc < 0))
        del n
        return cols

    def event_table(self, event: int, r: np.ndarray) -> dict[str, pa.Array]:
        """Per-event table rows (copies of the track rows ``r``) with their properties."""
        base = self.common_light(r)
        f, tm = self.f, self.tm
        fr = tm.row[r]
        base.update(self.w.event_properties(event, f.person[fr], np.maximum(f.slot[fr], 0), f.ref[fr], f.t[fr],
                                            tm.email_defect_f[fr]))
        return base

    def common_light(self, r: np.ndarray) -> dict[str, pa.Array]:
        """The id / timestamp columns of per-event tables (identical to the track row)."""
        full = self._track_cache_take(r)
        return full

    def _track_cache_take(self, r: np.ndarray) -> dict[str, pa.Array]:
        tr = self.track_rows
        pos = np.searchsorted(tr, r)
        idx = pa.array(pos)
        keep = ["id", "anonymous_id", "user_id", "received_at", "sent_at", "timestamp", "original_timestamp",
                "uuid_ts", "event", "event_text"]
        return {k: self.track_cols[k].take(idx) for k in keep}

    def render_all(self) -> dict[str, dict[str, pa.Array]]:
        """All Segment tables of the chunk (rows of the expanded frame)."""
        f, tm = self.f, self.tm
        tbl = f.table[tm.row]
        out: dict[str, dict[str, pa.Array]] = {}
        for i, name in enumerate(CORE):
            r = np.flatnonzero(tbl == i)
            out[name] = self.core_table(i, r)
            if i == T_TRACKS:
                self.track_rows = r
                self.track_cols = out[name]
        ev = f.event[tm.row]
        for code, tname in EVENT_TABLE.items():
            if tname not in self.w.contract_event_tables:
                continue
            r = np.flatnonzero((tbl == T_TRACKS) & (ev == code))
            out[tname] = self.event_table(code, r)
        return out
