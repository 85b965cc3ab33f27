"""Ground truth of a chunk: what really happened, written beside (never inside) the raw output."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import config as C
from . import defects as D
from . import fmt
from .segment import CORE, EVENT_TABLE, PATHS, T_TRACKS, Frame, Timed
from .tables import SUPPORT_USER_BASE

if TYPE_CHECKING:
    from .chunk import World

TS = pa.timestamp("us")
S = pa.string()
SCHEMAS = {
    "events": pa.schema([("table_name", S), ("message_id", S), ("person_id", S), ("true_session_id", S),
                         ("event_time", TS), ("defect", S), ("expected_quarantine_reason", S), ("n_copies", pa.int64())]),
    "identities": pa.schema([("identifier_type", S), ("identifier_value", S), ("person_id", S)]),
    "people": pa.schema([("person_id", S), ("account_id", S), ("intent", pa.float64()), ("roles", S),
                         ("is_technical", pa.bool_()), ("signed_up_at", TS), ("user_id", S), ("primary_email", S),
                         ("is_lead", pa.bool_()), ("converted", pa.bool_())]),
    "accounts": pa.schema([("account_id", S), ("name", S), ("domain", S), ("industry", S), ("employees", pa.int64()),
                           ("intent", pa.float64()), ("workspace_id", S), ("crm_account_id", S), ("plan_tier", S),
                           ("first_paid_at", TS), ("churned_at", TS), ("won_amount", pa.float64())]),
    "phones": pa.schema([("person_id", S), ("phone_raw", S), ("phone_e164", S)]),
    "sessions": pa.schema([("true_session_id", S), ("anonymous_id", S), ("person_id", S), ("started_at", TS),
                           ("ended_at", TS), ("channel", S), ("utm_source", S), ("utm_medium", S), ("utm_campaign", S),
                           ("landing_path", S), ("n_events", pa.int64())]),
    "channel_lift": pa.schema([("chunk", pa.int64()), ("channel", S), ("lead_lift_per_visit", pa.float64()),
                               ("opportunity_logit_lift", pa.float64()), ("visits", pa.int64()),
                               ("expected_leads_caused", pa.float64()),
                               ("expected_opportunities_caused", pa.float64())]),
}
EMAIL_TABLES = {"identifies", "signed_up", "content_downloaded", "webinar_registered", "demo_requested"}
QUARANTINE_BY_CODE = [D.QUARANTINE.get(c) for c in D.CODES]


def session_ids(gid: np.ndarray) -> pa.Array:
    return fmt.fixed("ses_", gid, 12)


def truth_events(w: "World", f: Frame, tm: Timed, event_tables: set[str]) -> tuple[pa.Table, dict[str, int]]:
    """One row per (table, message id); also returns per-defect counts over those rows."""
    mid = w.ids.message_id(f.counter)
    pid = w.s_ppl["person_id"].take(pa.array(f.person))
    sid = session_ids(w.visits.gid[np.maximum(f.visit, 0)])
    sid = fmt.null_where(sid, f.visit < 0)
    parts, names, codes = [], [], []
    for i, name in enumerate(CORE):
        parts.append(np.flatnonzero(f.table == i))
        names.append(name)
    for code, name in EVENT_TABLE.items():
        if name in event_tables:
            parts.append(np.flatnonzero((f.table == T_TRACKS) & (f.event == code)))
            names.append(name)
    rows = np.concatenate(parts)
    tname = np.repeat(np.arange(len(names)), [len(p) for p in parts])
    defect = tm.defect_f[rows].copy()
    email_t = np.isin(tname, [i for i, n in enumerate(names) if n in EMAIL_TABLES])
    ed = tm.email_defect_f[rows]
    defect = np.where((defect < 0) & email_t & (ed == 1), D.CODE_INDEX["malformed_email"], defect)
    defect = np.where((defect < 0) & email_t & (ed >= 2), D.CODE_INDEX["email_needs_normalisation"], defect)
    ra = pa.array(rows)
    tbl = pa.table({
        "table_name": fmt.take(names, tname), "message_id": mid.take(ra), "person_id": pid.take(ra),
        "true_session_id": sid.take(ra), "event_time": fmt.ts(f.t[rows]), "defect": fmt.take(D.CODES, defect),
        "expected_quarantine_reason": pa.array(QUARANTINE_BY_CODE + [None], S).take(
            pa.array(np.where(defect < 0, len(D.CODES), defect))),
        "n_copies": pa.array(tm.n_copies[rows].astype(np.int64)),
    }, schema=SCHEMAS["events"])
    counts = np.bincount(defect[defect >= 0], minlength=len(D.CODES))
    return tbl, {c: int(counts[i]) for i, c in enumerate(D.CODES)}


def truth_sessions(w: "World") -> pa.Table:
    v, s = w.visits, w.slots
    first = np.r_[True, s.visit[1:] != s.visit[:-1]] if len(s.visit) else np.zeros(0, bool)
    land = np.zeros(len(v.gid), dtype=np.int64)
    land[s.visit[first]] = s.page[first]
    camp = v.campaign
    return pa.table({
        "true_session_id": session_ids(v.gid), "anonymous_id": w.s_dev["anon"].take(pa.array(v.device)),
        "person_id": w.s_ppl["person_id"].take(pa.array(v.person)), "started_at": fmt.ts(v.start),
        "ended_at": fmt.ts(v.end), "channel": fmt.take(C.CHANNELS, v.channel),
        "utm_source": w.s_vis["utm_source"], "utm_medium": w.s_vis["utm_medium"],
        "utm_campaign": w.s_vis["utm_name"], "landing_path": fmt.take(PATHS, land),
        "n_events": pa.array(v.n_events.astype(np.int64)),
    }, schema=SCHEMAS["sessions"])
    del camp


def truth_identities(w: "World") -> pa.Table:
    sp, st = w.s_ppl, w.state
    pid = sp["person_id"]
    types, values, people = [], [], []

    def add(kind: str, vals: pa.Array, person: np.ndarray) -> None:
        types.append(fmt.take([kind], np.zeros(len(person), np.int64)))
        values.append(vals)
        people.append(pid.take(pa.array(person)))

    pairs = np.unique(w.visits.device.astype(np.int64) * (1 << 32) + w.visits.person)
    dev, per = pairs >> 32, pairs & ((1 << 32) - 1)
    add("anonymous_id", w.s_dev["anon"].take(pa.array(dev)), per)
    signers = np.flatnonzero(st["signed"])
    add("user_id", sp["user_id"].take(pa.array(signers)), signers)
    exposed = st["signed"] | (st["form_t"] >= 0)
    exposed[w.prod.inv_person] = True
    exposed[w.crm.contact_person] = True
    ep = np.flatnonzero(exposed)
    add("email", sp["email"].take(pa.array(ep)), ep)
    for person, raw in w.email_variants:
        add("email", raw, person)
        add("email", pc.utf8_lower(pc.utf8_trim_whitespace(raw)), person)
    add("crm_lead_id", w.crm_ids["lead"], w.crm.lead_person)
    add("crm_contact_id", w.crm_ids["contact"], w.crm.contact_person)
    su = w.support_user_people
    add("support_user_id", pc.cast(pa.array(SUPPORT_USER_BASE + w.ppl.gid[su]), S), su)
    tbl = pa.table({"identifier_type": pa.concat_arrays(types), "identifier_value": pa.concat_arrays(values),
                    "person_id": pa.concat_arrays(people)}, schema=SCHEMAS["identities"])
    # distinct rows, in order of first appearance (single-threaded grouping is deterministic)
    return tbl.group_by(tbl.column_names, use_threads=False).aggregate([]).select(tbl.column_names)


def truth_people(w: "World") -> pa.Table:
    ppl, st, sp = w.ppl, w.state, w.s_ppl
    acc_won = np.zeros(len(w.acc) + 1, bool)
    cr = w.crm
    acc_won[cr.opp_account[cr.opp_stage == 4]] = True
    signed = st["signed"]
    return pa.table({
        "person_id": sp["person_id"],
        "account_id": w.s_acc["account_id"].take(pa.array(np.maximum(ppl.account, 0), mask=ppl.account < 0)),
        "intent": pa.array(ppl.intent), "roles": sp["roles"], "is_technical": pa.array(ppl.technical),
        "signed_up_at": fmt.ts(st["signup_t"], mask=~signed), "user_id": fmt.null_where(sp["user_id"], ~signed),
        "primary_email": sp["email"], "is_lead": pa.array(st["form_t"] >= 0),
        "converted": pa.array(acc_won[ppl.account]),  # index -1 -> the extra False slot
    }, schema=SCHEMAS["people"])


def truth_accounts(w: "World") -> pa.Table:
    acc, ws, cr = w.acc, w.ws, w.crm
    n = len(acc)
    acc_ws = np.full(n, -1)
    acc_ws[ws.account[ws.account >= 0]] = np.flatnonzero(ws.account >= 0)
    wi = np.maximum(acc_ws, 0)
    has_ws = acc_ws >= 0
    paid_t = fmt.gather(w.ws_paid_t, acc_ws, -1)
    churn = fmt.gather(w.ws_churn_t, acc_ws, -1)
    plan = np.where(paid_t >= 0, np.where(churn >= 0, 0, fmt.gather(w.ws_paid_plan, acc_ws, 0)), 0)
    in_crm = np.zeros(n, bool)
    in_crm[cr.crm_accounts] = True
    opp = cr.acc_opp
    won = fmt.gather(cr.opp_stage, opp, -1) == 4
    return pa.table({
        "account_id": w.s_acc["account_id"], "name": w.s_acc["name"], "domain": w.s_acc["domain"],
        "industry": fmt.take(C.INDUSTRIES, acc.industry), "employees": pa.array(acc.employees),
        "intent": pa.array(acc.intent), "workspace_id": w.s_ws["id"].take(pa.array(wi, mask=~has_ws)),
        "crm_account_id": w.crm_ids["account"].take(pa.array(np.arange(n), mask=~in_crm)),
        "plan_tier": fmt.take(C.PLANS, plan, ~has_ws), "first_paid_at": fmt.ts(paid_t, mask=paid_t < 0),
        "churned_at": fmt.ts(churn, mask=churn < 0),
        "won_amount": pa.array(fmt.gather(cr.opp_amount, opp, 0.0).astype(np.float64), mask=~won),
    }, schema=SCHEMAS["accounts"])


def truth_channel_lift(w: "World") -> dict[str, pa.Array]:
    """Per channel: its configured causal lift and what it caused in this chunk, in expectation (removal effect:
    P(with the channel's visits) - P(without them), summed over people for leads, over engaged accounts for
    opportunities). Sum over chunks for the run's truth (gtm_warehouse.truth.attribution_figures)."""
    n = len(C.CHANNELS)
    return {
        "chunk": pa.array(np.full(n, w.chunk, np.int64)), "channel": pa.array(C.CHANNELS),
        "lead_lift_per_visit": pa.array(np.array(C.CHANNEL_LEAD_LIFT, float)),
        "opportunity_logit_lift": pa.array(np.array(C.CHANNEL_OPP_LIFT, float)),
        "visits": pa.array(np.bincount(w.visits.channel, minlength=n).astype(np.int64)),
        "expected_leads_caused": pa.array(np.asarray(w.state["lead_lift_contribution"], float)),
        "expected_opportunities_caused": pa.array(np.asarray(w.crm.opp_lift_contribution, float)),
    }
def truth_phones(w: "World") -> pa.Table:
    """The phone of every person as the CRM holds it and its true E.164 form (NULL: missing or junk)."""
    raw, e164 = w.phones()
    return pa.table({"person_id": w.s_ppl["person_id"], "phone_raw": raw, "phone_e164": e164},
                    schema=SCHEMAS["phones"])
