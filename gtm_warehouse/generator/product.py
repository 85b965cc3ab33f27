"""Product side: workspaces, opportunities-driven subscriptions and server-side events.

Server-side events (workspace created, sources/destinations added, teammates invited, API
events, tickets, NPS responses, lifecycle emails) carry ``user_id`` only and are sent by
``analytics-python`` / ``analytics-node``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import config as C
from .people import Accounts, People, STRIDE

US = 1_000_000
DAY = 86_400 * US
HOUR = 3600 * US


@dataclass
class Workspaces:
    gid: np.ndarray
    owner: np.ndarray  # person index
    account: np.ndarray  # account index or -1
    created: np.ndarray
    intent: np.ndarray
    deleted: np.ndarray  # deleted_at or -1
    person_ws: np.ndarray  # per person: workspace index or -1

    def __len__(self) -> int:
        return len(self.gid)


@dataclass
class Subscriptions:
    workspace: np.ndarray
    plan: np.ndarray
    status: np.ndarray  # 0 active, 1 canceled, 2 upgraded (ended by a plan change)
    started: np.ndarray
    ended: np.ndarray  # -1 = open


@dataclass
class ServerEvents:
    """Server-side Segment track events; ``ref`` points into the table of the event's payload."""

    person: np.ndarray
    t: np.ndarray
    event: np.ndarray
    ref: np.ndarray
    lib: np.ndarray


@dataclass
class ProductRows:
    src_ws: np.ndarray
    src_type: np.ndarray
    src_created: np.ndarray
    src_first: np.ndarray
    src_last: np.ndarray
    dst_ws: np.ndarray
    dst_kind: np.ndarray
    dst_created: np.ndarray
    dst_enabled: np.ndarray
    inv_ws: np.ndarray
    inv_person: np.ndarray  # invitee person index
    tk_person: np.ndarray
    tk_ws: np.ndarray
    tk_t: np.ndarray
    tk_priority: np.ndarray
    tk_subject: np.ndarray
    nps_person: np.ndarray
    nps_ws: np.ndarray
    nps_t: np.ndarray
    nps_score: np.ndarray
    em_person: np.ndarray
    em_campaign: np.ndarray
    em_subject: np.ndarray
    server: ServerEvents = field(default=None)  # type: ignore[assignment]
    em_bounce_hard: np.ndarray = field(default=None)  # type: ignore[assignment]  # per email: hard bounce


def make_workspaces(rng: np.random.Generator, chunk: int, acc: Accounts, ppl: People,
                    signed: np.ndarray, signup_t: np.ndarray) -> Workspaces:
    """The first signer of an account creates its workspace; free-mail signers get their own."""
    n_p = len(ppl)
    signers = np.flatnonzero(signed)
    in_acc = ppl.account[signers] >= 0
    sa = signers[in_acc]
    order = np.lexsort((signup_t[sa], ppl.account[sa]))
    sa = sa[order]
    first = np.r_[True, ppl.account[sa][1:] != ppl.account[sa][:-1]] if len(sa) else np.zeros(0, bool)
    owners = np.r_[sa[first], signers[~in_acc]]
    ws_account = ppl.account[owners]
    n = len(owners)
    created = signup_t[owners] + rng.integers(5 * US, 60 * US, n)
    person_ws = np.full(n_p, -1)
    acc_ws = np.full(len(acc), -1)
    acc_ws[ws_account[ws_account >= 0]] = np.flatnonzero(ws_account >= 0)
    person_ws[sa] = acc_ws[ppl.account[sa]]
    person_ws[signers[~in_acc]] = np.arange(len(sa[first]), n)
    intent = np.where(ws_account >= 0, acc.intent[np.maximum(ws_account, 0)], ppl.intent[owners])
    deleted = np.where(rng.random(n) < 0.02, created + rng.integers(DAY, 60 * DAY, n), -1)
    return Workspaces(gid=chunk * STRIDE + np.arange(n, dtype=np.int64), owner=owners, account=ws_account,
                      created=created, intent=intent, deleted=deleted, person_ws=person_ws)


def make_subscriptions(rng: np.random.Generator, ws: Workspaces, won_ws: np.ndarray, won_plan: np.ndarray,
                       won_t: np.ndarray, t_hi: int) -> tuple[Subscriptions, np.ndarray]:
    """Free plan from creation; a won opportunity upgrades it; some paid plans churn.

    Returns the subscriptions and per workspace the churn time (-1 if none).
    """
    n = len(ws)
    paid_plan = np.full(n, 0)
    paid_t = np.full(n, -1, dtype=np.int64)
    paid_plan[won_ws] = won_plan
    paid_t[won_ws] = np.maximum(won_t, ws.created[won_ws] + HOUR)
    is_paid = (paid_t >= 0) & (paid_t < t_hi)
    churn_t = np.where(is_paid & (rng.random(n) < 0.25 * (1.0 - ws.intent)),
                       paid_t + rng.integers(20 * DAY, 150 * DAY, n), -1)
    churn_t = np.where(churn_t < t_hi, churn_t, -1)
    free_end = np.where(is_paid, paid_t, -1)
    pw = np.flatnonzero(is_paid)
    subs = Subscriptions(
        workspace=np.r_[np.arange(n), pw],
        plan=np.r_[np.zeros(n, np.int64), paid_plan[pw]],
        status=np.r_[np.where(is_paid, 2, 0), np.where(churn_t[pw] >= 0, 1, 0)],
        started=np.r_[ws.created, paid_t[pw]],
        ended=np.r_[free_end, churn_t[pw]],
    )
    return subs, churn_t


# --- churn drivers (issue 12, part 7) -----------------------------------------------------------------
# Which paid workspaces churn is decided AFTER the product simulation, on its own seeded stream
# (seed, chunk, CHURN_STREAM), from what the workspace did in its first CHURN_ADOPTION_DAYS as a paying
# customer. make_subscriptions still draws its original churn numbers, so every other stream is unchanged.
CHURN_STREAM = 7919
CHURN_ADOPTION_DAYS = 30
CHURN_DRIVERS = [
    "paid workspaces only; decided on a separate seeded stream after the product simulation",
    "churn probability = sigmoid(2.0 - 2.0 * intent - 0.6 * min(active sources, 3) "
    "- 0.5 * min(enabled destinations, 2) + 0.35 * min(support tickets, 4)), counting sources, "
    "destinations and tickets created up to 30 days after the first payment (active = data arrived)",
    "churn time = first payment + 35 to 120 days (uniform); none when that is past the end of the period",
]


def apply_churn_drivers(rng: np.random.Generator, ws: Workspaces, prod: "ProductRows", subs: Subscriptions,
                        paid_t: np.ndarray, t_hi: int) -> tuple[Subscriptions, np.ndarray]:
    """Re-decide the churn of paid workspaces from CHURN_DRIVERS; returns subscriptions and churn times."""
    n = len(ws)
    horizon = np.where(paid_t >= 0, paid_t + CHURN_ADOPTION_DAYS * DAY, -1)
    active_src = (prod.src_first >= 0) & (prod.src_created <= horizon[prod.src_ws])
    n_src = np.bincount(prod.src_ws[active_src], minlength=n)
    on_dst = prod.dst_enabled & (prod.dst_created <= horizon[prod.dst_ws])
    n_dst = np.bincount(prod.dst_ws[on_dst], minlength=n)
    early_tk = prod.tk_t <= horizon[prod.tk_ws]
    n_tk = np.bincount(prod.tk_ws[early_tk], minlength=n)
    logit = (2.0 - 2.0 * ws.intent - 0.6 * np.minimum(n_src, 3) - 0.5 * np.minimum(n_dst, 2)
             + 0.35 * np.minimum(n_tk, 4))
    churns = (paid_t >= 0) & (rng.random(n) < 1.0 / (1.0 + np.exp(-logit)))
    churn_t = np.where(churns, paid_t + rng.integers(35 * DAY, 120 * DAY, n), -1)
    churn_t = np.where(churn_t < t_hi, churn_t, -1)
    paid_rows = subs.plan > 0
    status = subs.status.copy()
    ended = subs.ended.copy()
    status[paid_rows] = np.where(churn_t[subs.workspace[paid_rows]] >= 0, 1, 0)
    ended[paid_rows] = churn_t[subs.workspace[paid_rows]]
    return Subscriptions(workspace=subs.workspace, plan=subs.plan, status=status, started=subs.started,
                         ended=ended), churn_t


def simulate_product(rng: np.random.Generator, ws: Workspaces, ppl: People, signed: np.ndarray,
                     signup_t: np.ndarray, paid: np.ndarray, t_hi: int) -> ProductRows:
    """Sources, destinations, invites, API events, tickets, NPS and emails (+ their server events)."""
    n_w = len(ws)
    ev_p, ev_t, ev_e, ev_r = [], [], [], []

    def emit(person: np.ndarray, t: np.ndarray, event: int, ref: np.ndarray) -> None:
        ev_p.append(person)
        ev_t.append(t)
        ev_e.append(np.full(len(person), event))
        ev_r.append(ref)

    emit(ws.owner, ws.created, C.E_WORKSPACE, np.arange(n_w))
    # sources
    n_src = rng.poisson(0.4 + 4.0 * ws.intent)
    src_ws = np.repeat(np.arange(n_w), n_src)
    ns = len(src_ws)
    src_created = ws.created[src_ws] + (rng.exponential(4.0, ns) * DAY).astype(np.int64)
    src_type = rng.choice(len(C.SOURCE_TYPES), ns, p=[0.35, 0.08, 0.07, 0.12, 0.12, 0.1, 0.08, 0.08])
    active = rng.random(ns) < 0.55 + 0.4 * ws.intent[src_ws]
    src_first = np.where(active, src_created + (rng.exponential(6.0, ns) * HOUR).astype(np.int64), -1)
    active &= src_first < t_hi
    src_first = np.where(active, src_first, -1)
    src_last = np.where(active, t_hi - (rng.exponential(1.0, ns) * HOUR).astype(np.int64), -1)
    src_last = np.where(active, np.maximum(src_last, src_first), -1)
    # Some sources stop sending (inactive sources for the onboarding marts): a child generator, so the
    # draws of ``rng`` are unchanged.
    stale_rng = rng.spawn(1)[0]
    stale = active & (stale_rng.random(ns) < C.SOURCE_STALE_RATE)
    stale_last = src_first + ((t_hi - src_first) * stale_rng.random(ns)).astype(np.int64)
    src_last = np.where(stale, np.maximum(stale_last, src_first), src_last)
    keep = src_created < t_hi
    src_ws, src_type, src_created, src_first, src_last = (a[keep] for a in (src_ws, src_type, src_created, src_first, src_last))
    emit(ws.owner[src_ws], src_created, C.E_SOURCE, np.arange(len(src_ws)))
    # destinations
    n_dst = rng.poisson(0.2 + 2.5 * ws.intent)
    dst_ws = np.repeat(np.arange(n_w), n_dst)
    nd = len(dst_ws)
    dst_created = ws.created[dst_ws] + (rng.exponential(7.0, nd) * DAY).astype(np.int64)
    dst_kind = rng.integers(0, len(C.DESTINATIONS), nd)
    dst_enabled = rng.random(nd) < 0.85
    keep = dst_created < t_hi
    dst_ws, dst_created, dst_kind, dst_enabled = dst_ws[keep], dst_created[keep], dst_kind[keep], dst_enabled[keep]
    emit(ws.owner[dst_ws], dst_created, C.E_DEST, np.arange(len(dst_ws)))
    # teammate invitations: the owner invites account colleagues (who may sign up later)
    colleagues = np.flatnonzero((ppl.account >= 0))
    acc_ws = np.full(int(ppl.account.max()) + 2 if len(ppl) else 1, -1)
    acc_ws[ws.account[ws.account >= 0]] = np.flatnonzero(ws.account >= 0)
    cw = acc_ws[ppl.account[colleagues]]
    cand = colleagues[(cw >= 0)]
    cw = cw[cw >= 0]
    not_owner = ws.owner[cw] != cand
    cand, cw = cand[not_owner], cw[not_owner]
    p_inv = np.where(signed[cand], 0.6, 0.12)
    m = rng.random(len(cand)) < p_inv
    inv_person, inv_ws = cand[m], cw[m]
    later = ws.created[inv_ws] + (rng.exponential(5.0, len(inv_ws)) * DAY).astype(np.int64)
    before_signup = signup_t[inv_person] - rng.integers(HOUR, 3 * DAY, len(inv_ws))
    inv_t = np.where(signed[inv_person] & (signup_t[inv_person] > ws.created[inv_ws]),
                     np.maximum(before_signup, ws.created[inv_ws] + US), later)
    keep = inv_t < t_hi
    inv_person, inv_ws, inv_t = inv_person[keep], inv_ws[keep], inv_t[keep]
    emit(ws.owner[inv_ws], inv_t, C.E_INVITE, np.arange(len(inv_ws)))
    # API events (tracks only)
    k = rng.random(n_w) < 0.6
    emit(ws.owner[k], ws.created[k] + (rng.exponential(2.0, k.sum()) * DAY).astype(np.int64), C.E_API_KEY, np.flatnonzero(k))
    k = rng.random(n_w) < 0.1 + 0.2 * ws.intent
    emit(ws.owner[k], ws.created[k] + (rng.exponential(30.0, k.sum()) * DAY).astype(np.int64), C.E_API_LIMIT, np.flatnonzero(k))
    # tickets, NPS and emails per signer
    signers = np.flatnonzero(signed & (ws.person_ws >= 0))
    sw = ws.person_ws[signers]
    remaining = np.maximum(t_hi - signup_t[signers], 0)
    n_tk = rng.poisson((0.15 + 0.6 * ppl.intent[signers]) * remaining / (90 * DAY))
    tk_person = np.repeat(signers, n_tk)
    tk_ws = np.repeat(sw, n_tk)
    tk_t = signup_t[tk_person] + (rng.random(len(tk_person)) * np.repeat(remaining, n_tk)).astype(np.int64)
    tk_priority = rng.choice(4, len(tk_person), p=[0.3, 0.45, 0.2, 0.05])
    tk_subject = rng.integers(0, len(C.TICKET_SUBJECTS), len(tk_person))
    emit(tk_person, tk_t, C.E_TICKET, np.arange(len(tk_person)))
    nps_m = (rng.random(len(signers)) < 0.35) & (remaining > 7 * DAY)
    nps_person = signers[nps_m]
    nps_ws = sw[nps_m]
    nps_t = signup_t[nps_person] + 7 * DAY + (rng.random(len(nps_person)) * (remaining[nps_m] - 7 * DAY)).astype(np.int64)
    health = ws.intent[nps_ws] + 0.25 * paid[nps_ws] + 0.1 * (np.bincount(tk_ws, minlength=n_w)[nps_ws] == 0)
    nps_score = np.clip(np.round(3.0 + 8.0 * health + rng.normal(0, 1.6, len(nps_person))), 0, 10).astype(np.int64)
    emit(nps_person, nps_t, C.E_NPS, np.arange(len(nps_person)))
    n_em = rng.poisson(5.0 * remaining / (180 * DAY))
    em_person = np.repeat(signers, n_em)
    ne = len(em_person)
    em_t = signup_t[em_person] + (rng.random(ne) * np.repeat(remaining, n_em)).astype(np.int64)
    email_camps = np.array([i for i, c in enumerate(C.CAMPAIGNS) if c[2] == C.CH_EMAIL])
    em_campaign = email_camps[rng.integers(0, len(email_camps), ne)]
    em_subject = rng.integers(0, len(C.EMAIL_SUBJECTS), ne)
    emit(em_person, em_t, C.E_EMAIL_DELIVERED, np.arange(ne))
    opened = rng.random(ne) < 0.25 + 0.4 * ppl.intent[em_person]
    open_t = em_t + (rng.exponential(5.0, ne) * HOUR).astype(np.int64)
    emit(em_person[opened], open_t[opened], C.E_EMAIL_OPENED, np.flatnonzero(opened))
    clicked = opened & (rng.random(ne) < 0.3)
    emit(em_person[clicked], open_t[clicked] + rng.integers(5 * US, 600 * US, ne)[clicked], C.E_EMAIL_CLICKED,
         np.flatnonzero(clicked))

    person = np.concatenate(ev_p)
    t = np.concatenate(ev_t)
    event = np.concatenate(ev_e)
    ref = np.concatenate(ev_r)
    keep = t < t_hi
    server = ServerEvents(person=person[keep], t=t[keep], event=event[keep], ref=ref[keep],
                          lib=rng.integers(0, 2, int(keep.sum())))
    em_bounce_hard = _email_deliverability(rng, server, em_person, em_t, opened, open_t, t_hi)
    return ProductRows(src_ws=src_ws, src_type=src_type, src_created=src_created, src_first=src_first,
                       src_last=src_last, dst_ws=dst_ws, dst_kind=dst_kind, dst_created=dst_created,
                       dst_enabled=dst_enabled, inv_ws=inv_ws, inv_person=inv_person, tk_person=tk_person,
                       tk_ws=tk_ws, tk_t=tk_t, tk_priority=tk_priority, tk_subject=tk_subject,
                       nps_person=nps_person, nps_ws=nps_ws, nps_t=nps_t, nps_score=nps_score,
                       em_person=em_person, em_campaign=em_campaign, em_subject=em_subject, server=server,
                       em_bounce_hard=em_bounce_hard)


def _email_deliverability(rng: np.random.Generator, server: ServerEvents, em_person: np.ndarray, em_t: np.ndarray,
                          opened: np.ndarray, open_t: np.ndarray, t_hi: int) -> np.ndarray:
    """Email Bounced / Email Unsubscribed server events, appended to ``server`` in place.

    Drawn from a child generator (``rng.spawn``), which does not advance ``rng``: the draws that
    existed before these events are unchanged. Returns per email whether its bounce is hard.
    """
    sub = rng.spawn(1)[0]
    ne = len(em_person)
    bounced = sub.random(ne) < C.EMAIL_BOUNCE_RATE
    hard = bounced & (sub.random(ne) < C.EMAIL_HARD_BOUNCE_SHARE)
    bounce_t = em_t + sub.integers(2 * US, 120 * US, ne)
    unsub = opened & ~bounced & (sub.random(ne) < C.EMAIL_UNSUBSCRIBE_RATE)
    unsub_t = open_t + sub.integers(10 * US, 1800 * US, ne)
    b, u = np.flatnonzero(bounced & (bounce_t < t_hi)), np.flatnonzero(unsub & (unsub_t < t_hi))
    n_new = len(b) + len(u)
    server.person = np.r_[server.person, em_person[b], em_person[u]]
    server.t = np.r_[server.t, bounce_t[b], unsub_t[u]]
    server.event = np.r_[server.event, np.full(len(b), C.E_EMAIL_BOUNCED), np.full(len(u), C.E_EMAIL_UNSUBSCRIBED)]
    server.ref = np.r_[server.ref, b, u]
    server.lib = np.r_[server.lib, sub.integers(0, 2, n_new)]
    return hard
