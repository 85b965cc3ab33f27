"""Website behaviour: visits (true sessions) per device usage and the events inside them.

Pipeline (all vectorised over the chunk):

1. visits per (device, person) usage, count rising with intent, each with a channel/campaign;
2. "slots" (events) inside each visit: browsing slots plus conversion slots (form fill, signup,
   consent, a login identify at the end of a visit on another device);
3. gaps inside a visit are exponential (mean 80 s, capped at 14 min so that dropping one slot never
   opens a gap of 30 min); visits on the same device are pushed apart to start >= 31 min after the
   previous visit's last event, except "re-entry" visits that start 2-20 min later through a new
   paid campaign (separate true sessions because the campaign changes);
4. visits that would end after the simulated period are dropped; signup/login state is derived
   from the final times.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import config as C
from .people import Devices, People, group_starts

US = 1_000_000
MIN = 60 * US

# slot kinds
K_PAGE, K_TRACK, K_IDENTIFY_USER, K_IDENTIFY_LEAD, K_GROUP, K_LOGIN, K_APP = range(7)
PAGE_SIGNUP = len(C.PAGES)
PAGE_APP = len(C.PAGES) + 1
FORM_CONTENT, FORM_WEBINAR, FORM_DEMO = 0, 1, 2
PAID_CAMPAIGNS = np.array([i for i, c in enumerate(C.CAMPAIGNS) if c[2] in (C.CH_PAID_SEARCH, C.CH_PAID_SOCIAL)])


@dataclass
class Visits:
    usage: np.ndarray
    device: np.ndarray
    person: np.ndarray
    channel: np.ndarray
    campaign: np.ndarray  # index into CAMPAIGNS or -1
    referrer: np.ndarray  # index into REFERRERS or -1
    utm_in_context: np.ndarray  # False: campaign only in the URL query (context_campaign_* NULL)
    encoding: np.ndarray  # 0: plain, 1: %20, 2: '+'
    reentry: np.ndarray
    start: np.ndarray  # final start (us)
    end: np.ndarray
    n_events: np.ndarray
    gid: np.ndarray


@dataclass
class Slots:
    """Web events (one row per event inside a visit), sorted by (visit, time)."""

    visit: np.ndarray
    kind: np.ndarray
    event: np.ndarray  # track event code or -1
    page: np.ndarray  # page index for page slots, else -1
    ctx_page: np.ndarray  # page index of the page the event happened on
    ctx_is_landing: np.ndarray
    prev_page: np.ndarray  # previous page in the visit for the context page (-1 on landing)
    form: np.ndarray  # form type for form slots, else -1
    feature: np.ndarray  # feature index for Feature Used, else -1
    t: np.ndarray
    logged_in: np.ndarray


REFERRERS = (C.ORGANIC_REFERRERS + C.PARTNER_REFERRERS
             + ["https://www.google.com/", "https://www.facebook.com/", "https://www.linkedin.com/feed/"])
REF_GOOGLE_ADS, REF_FACEBOOK, REF_LINKEDIN = (len(REFERRERS) - 3, len(REFERRERS) - 2, len(REFERRERS) - 1)


def grouped_cumsum(x: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting where ``starts`` is True (groups are contiguous)."""
    c = np.cumsum(x)
    first = np.flatnonzero(starts)
    base = c[first] - x[first]
    return c - np.repeat(base, np.diff(np.r_[first, len(x)]))


def grouped_cummax(x: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Running maximum restarting where ``starts`` is True (log-step doubling, overflow-free)."""
    n = len(x)
    out = x.copy()
    first = np.flatnonzero(starts)
    gstart = np.repeat(first, np.diff(np.r_[first, n]))
    pos = np.arange(n)
    k = 1
    while k < n:
        ok = pos[k:] - k >= gstart[k:]
        cand = np.maximum(out[k:], out[:-k])
        out[k:] = np.where(ok, cand, out[k:])
        k *= 2
    return out


def _choice_rows(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """Sample one column index per row of a (n, k) weight matrix."""
    cw = np.cumsum(weights, axis=1)
    u = rng.random(len(weights)) * cw[:, -1]
    return np.minimum((cw < u[:, None]).sum(axis=1), weights.shape[1] - 1)


def page_weights(intent: np.ndarray) -> np.ndarray:
    aff = np.array([p[3] for p in C.PAGES])
    return np.exp(np.outer(intent - 0.3, aff) * 2.2)


INTENT_BINS = 50
_PAGE_CDF = np.cumsum(page_weights((np.arange(INTENT_BINS) + 0.5) / INTENT_BINS), axis=1)
_PAGE_CDF /= _PAGE_CDF[:, -1:]


def sample_pages(rng: np.random.Generator, intent: np.ndarray) -> np.ndarray:
    """A page per row, more pricing/demo/docs for high intent (intent binned into 50 levels)."""
    b = np.minimum((intent * INTENT_BINS).astype(np.intp), INTENT_BINS - 1)
    u = rng.random(len(intent))
    # the CDF rows are sorted, so one flat searchsorted over (bin offset + cdf) does all rows at once
    flat = (_PAGE_CDF + np.arange(INTENT_BINS)[:, None]).ravel()
    pos = np.searchsorted(flat, b + u, side="right")
    return np.minimum(pos - b * _PAGE_CDF.shape[1], _PAGE_CDF.shape[1] - 1)


def _campaign_for(rng: np.random.Generator, channel: np.ndarray) -> np.ndarray:
    camp = np.full(len(channel), -1)
    for ch in (C.CH_PAID_SEARCH, C.CH_PAID_SOCIAL, C.CH_EMAIL, C.CH_EVENT, C.CH_PARTNER):
        opts = np.array([i for i, c in enumerate(C.CAMPAIGNS) if c[2] == ch])
        m = channel == ch
        camp[m] = opts[rng.integers(0, len(opts), m.sum())]
    return camp


def _referrer_for(rng: np.random.Generator, channel: np.ndarray, campaign: np.ndarray) -> np.ndarray:
    ref = np.full(len(channel), -1)
    m = channel == C.CH_ORGANIC
    ref[m] = rng.choice(3, m.sum(), p=[0.85, 0.12, 0.03])
    m = channel == C.CH_REFERRAL
    ref[m] = 3 + rng.integers(0, len(C.PARTNER_REFERRERS), m.sum())
    platform = np.array([c[1] for c in C.CAMPAIGNS] + [""])[campaign]
    ref[(channel == C.CH_PAID_SEARCH)] = REF_GOOGLE_ADS
    ref[(channel == C.CH_PAID_SOCIAL) & (platform == "facebook")] = REF_FACEBOOK
    ref[(channel == C.CH_PAID_SOCIAL) & (platform == "linkedin")] = REF_LINKEDIN
    return ref


def simulate_web(rng: np.random.Generator, cfg: C.GeneratorConfig, chunk: int, ppl: People,
                 dev: Devices) -> tuple[Visits, Slots, dict[str, np.ndarray]]:
    """Simulate visits and web events; returns visits, slots and per-person web state."""
    n_p = len(ppl)
    t_lo = cfg.start_us
    t_hi = cfg.as_of_us - 3 * 60 * MIN  # last true event time
    span_days = cfg.days

    # ---- 1. visits per usage ------------------------------------------------------------------
    pi = ppl.intent[dev.use_person]
    lam = (span_days / 180.0) * (0.5 + 9.0 * pi ** 1.6) * dev.use_weight
    n_vis = rng.poisson(lam)
    is_primary_use = dev.use_own & group_starts(dev.use_person) if len(dev.use_person) else dev.use_own
    n_vis = np.where(is_primary_use, np.maximum(n_vis, 1), n_vis)
    usage = np.repeat(np.arange(len(n_vis)), n_vis)
    nv = len(usage)
    device = dev.use_device[usage]
    person = dev.use_person[usage]
    intent = ppl.intent[person]
    req_start = rng.integers(t_lo, t_hi - 2 * 60 * MIN, nv)
    # sort by (device, requested start): the order of visits on a device never changes afterwards
    order = np.lexsort((req_start, device))
    usage, device, person, intent, req_start = usage[order], device[order], person[order], intent[order], req_start[order]
    first_on_dev = group_starts(device)

    cw = np.array(C.CHANNEL_WEIGHTS)
    chw = np.tile(cw, (nv, 1))
    chw[:, C.CH_DIRECT] *= 0.6 + intent  # returning high-intent visitors come direct more often
    channel = _choice_rows(rng, chw)
    campaign = _campaign_for(rng, channel)
    # re-entry visits: < 30 min after the previous visit on the device, through a new paid campaign
    reentry = (~first_on_dev) & (rng.random(nv) < 0.04)
    # never two in a row: the new campaign is drawn against the previous visit's campaign as first drawn,
    # which a re-entry before it would already have replaced (two re-entries could share a campaign, so
    # the warehouse would rightly merge them into one session)
    reentry &= ~np.r_[False, reentry[:-1]]
    prev_camp = np.r_[-1, campaign[:-1]]
    pick = PAID_CAMPAIGNS[rng.integers(0, len(PAID_CAMPAIGNS), nv)]
    pick = np.where(pick == prev_camp, PAID_CAMPAIGNS[(np.searchsorted(PAID_CAMPAIGNS, pick) + 1) % len(PAID_CAMPAIGNS)], pick)
    campaign = np.where(reentry, pick, campaign)
    channel = np.where(reentry, np.array([c[2] for c in C.CAMPAIGNS])[np.maximum(campaign, 0)], channel)
    referrer = _referrer_for(rng, channel, campaign)
    utm_in_context = rng.random(nv) >= 0.30
    encoding = rng.integers(0, 3, nv)

    # ---- 2. conversion choices per person (visit picked among the person's own-device visits) ----
    own = dev.use_own[usage]
    own_idx = np.flatnonzero(own)
    own_sorted = own_idx[np.argsort(person[own_idx], kind="stable")]
    cnt = np.bincount(person[own_sorted], minlength=n_p)
    offs = np.r_[0, np.cumsum(cnt)[:-1]]
    has_vis = cnt > 0

    def pick_visit(mask: np.ndarray) -> np.ndarray:
        out = np.full(n_p, -1)
        m = mask & has_vis
        out[m] = own_sorted[offs[m] + (rng.random(m.sum()) * cnt[m]).astype(np.int64)]
        return out

    p_form = 0.03 + 0.38 * ppl.intent ** 1.5
    form_visit = pick_visit(rng.random(n_p) < p_form)
    form_visit, lead_lift_contribution = _lift_caused_forms(cfg, chunk, n_p, p_form, form_visit, channel, person,
                                                            own_sorted, offs, cnt)
    form_type = np.where(rng.random(n_p) < 0.1 + 0.6 * ppl.intent, FORM_DEMO,
                         np.where(rng.random(n_p) < 0.6, FORM_CONTENT, FORM_WEBINAR))
    p_sign = np.clip((0.01 + 0.5 * ppl.intent ** 1.4) * np.where(ppl.technical, 1.3, 0.75), 0, 0.95)
    signup_visit = pick_visit(rng.random(n_p) < p_sign)
    signup_usage = np.where(signup_visit >= 0, usage[np.maximum(signup_visit, 0)], -1)

    # ---- 3. slots ----------------------------------------------------------------------------------
    k = 1 + rng.poisson(0.6 + 3.8 * intent)
    b_visit = np.repeat(np.arange(nv), k)
    nb = len(b_visit)
    b_pos = np.arange(nb) - np.repeat(np.cumsum(k) - k, k)
    b_intent = intent[b_visit]
    u = rng.random(nb)
    b_kind = np.where(u < 0.66, K_PAGE, np.where(u < 0.90, K_TRACK, K_APP))
    b_kind[b_pos == 0] = K_PAGE
    b_event = np.where(b_kind == K_TRACK, rng.choice([C.E_CTA, C.E_DOCS_SEARCH, C.E_EXPERIMENT], nb, p=[0.5, 0.2, 0.3]), -1)
    b_page = np.where(b_kind == K_PAGE, sample_pages(rng, b_intent), -1)
    # event/webinar visits land on the webinar page
    land = b_pos == 0
    b_page[land & (channel[b_visit] == C.CH_EVENT)] = C.P_WEBINAR

    parts = [dict(visit=b_visit, seq=b_pos.astype(np.float64), kind=b_kind, event=b_event, page=b_page,
                  form=np.full(nb, -1))]
    # form fills: form page, the form track, a lead-capture identify (email only)
    fp = np.flatnonzero(form_visit >= 0)
    fv = form_visit[fp]
    ft = form_type[fp]
    form_page = np.array([C.P_EBOOK, C.P_WEBINAR, C.P_DEMO])[ft]
    form_event = np.array([C.E_CONTENT, C.E_WEBINAR, C.E_DEMO])[ft]
    nf = len(fp)
    parts.append(dict(visit=np.repeat(fv, 3), seq=np.tile([1000.0, 1001.0, 1002.0], nf),
                      kind=np.tile([K_PAGE, K_TRACK, K_IDENTIFY_LEAD], nf),
                      event=np.column_stack([np.full(nf, -1), form_event, np.full(nf, -1)]).ravel(),
                      page=np.column_stack([form_page, np.full(nf, -1), np.full(nf, -1)]).ravel(),
                      form=np.repeat(ft, 3)))
    # signups: /signup page, identify (user), Signed Up, group
    sp = np.flatnonzero(signup_visit >= 0)
    sv = signup_visit[sp]
    ns = len(sp)
    parts.append(dict(visit=np.repeat(sv, 4), seq=np.tile([2000.0, 2001.0, 2002.0, 2003.0], ns),
                      kind=np.tile([K_PAGE, K_IDENTIFY_USER, K_TRACK, K_GROUP], ns),
                      event=np.tile([-1, -1, C.E_SIGNUP, -1], ns),
                      page=np.tile([PAGE_SIGNUP, -1, -1, -1], ns), form=np.full(4 * ns, -1)))
    # consent preference updates: on ~45% of usages, in a random visit (often not the first)
    cons_v = np.flatnonzero(rng.random(nv) < 0.30 / np.maximum(np.bincount(usage, minlength=len(n_vis))[usage], 1))
    nc = len(cons_v)
    parts.append(dict(visit=cons_v, seq=rng.random(nc) * 3 + 0.5, kind=np.full(nc, K_TRACK),
                      event=np.full(nc, C.E_CONSENT), page=np.full(nc, -1), form=np.full(nc, -1)))
    # login identify at the end of visits on the signer's other devices (kept only for the first
    # visit there after signup)
    is_signer = signup_visit >= 0
    lv = np.flatnonzero(is_signer[person] & (usage != signup_usage[person]))
    nl = len(lv)
    parts.append(dict(visit=lv, seq=np.full(nl, 9000.0), kind=np.full(nl, K_LOGIN), event=np.full(nl, -1),
                      page=np.full(nl, -1), form=np.full(nl, -1)))
    s = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    o = np.lexsort((s["seq"], s["visit"]))
    s = {key: v[o] for key, v in s.items()}
    n_s = len(s["visit"])

    # ---- 4. times -----------------------------------------------------------------------------------
    gap = np.minimum(rng.exponential(80.0, n_s) + 1.0, 14 * 60.0)
    vstart_slot = group_starts(s["visit"])
    gap[vstart_slot] = 0.0
    gap_us = (gap * US).astype(np.int64) + rng.integers(0, 1000, n_s)
    gap_us[vstart_slot] = 0
    cum = np.cumsum(gap_us)
    first_slot = np.flatnonzero(vstart_slot)
    offset = cum - np.repeat(cum[first_slot], np.diff(np.r_[first_slot, n_s]))
    dur = np.zeros(nv, dtype=np.int64)
    np.maximum.at(dur, s["visit"], offset)
    gap_before = np.where(reentry, rng.integers(2 * MIN, 20 * MIN, nv), 31 * MIN + rng.integers(0, 20 * MIN, nv))
    a = np.where(reentry, t_lo - 1, req_start)  # below every requested start: never the running max
    incr = np.r_[0, dur[:-1]] + gap_before
    incr[first_on_dev] = 0
    D = grouped_cumsum(incr, first_on_dev)
    start = D + grouped_cummax(a - D, first_on_dev)
    end = start + dur
    keep_v = end <= t_hi
    t = (start[s["visit"]] + offset) // 1000 * 1000  # whole milliseconds (Segment's precision)

    # ---- 5. signup / login state ----------------------------------------------------------------------
    signed = is_signer & keep_v[np.maximum(signup_visit, 0)]
    signup_slot = np.full(n_p, -1)
    id_slots = np.flatnonzero(s["kind"] == K_IDENTIFY_USER)
    signup_slot[person[s["visit"][id_slots]]] = id_slots
    signup_t = np.where(signed, t[np.maximum(signup_slot, 0)], np.iinfo(np.int64).max)
    # first visit per other usage that starts after signup keeps its login identify
    login_slots = np.flatnonzero(s["kind"] == K_LOGIN)
    lv_all = s["visit"][login_slots]
    ok = keep_v[lv_all] & (start[lv_all] > signup_t[person[lv_all]])
    cand = login_slots[ok]
    cu = usage[s["visit"][cand]]
    _, first_idx = np.unique(cu, return_index=True)  # slots are in time order per usage
    kept_login = np.zeros(n_s, bool)
    kept_login[cand[first_idx]] = True
    login_t_use = np.full(len(n_vis), np.iinfo(np.int64).max)
    login_t_use[cu[first_idx]] = t[cand[first_idx]]
    su = signup_usage[signed]
    login_t_use[su] = np.minimum(login_t_use[su], signup_t[signed])
    slot_person = person[s["visit"]]
    logged_in = signed[slot_person] & (t >= login_t_use[usage[s["visit"]]])

    keep_s = keep_v[s["visit"]] & ((s["kind"] != K_LOGIN) | kept_login)
    keep_s &= ~((s["kind"] == K_IDENTIFY_USER) | (s["kind"] == K_GROUP) | (s["event"] == C.E_SIGNUP)) | signed[slot_person]
    # app actions: Feature Used when logged in and the feature was launched, else an app page view
    n_f = len(C.FEATURES)
    feat = rng.integers(0, n_f, n_s)
    launch = np.array([cfg.start_us + d * 86_400 * US for _, d in C.FEATURES])
    is_app = s["kind"] == K_APP
    feature_ok = is_app & logged_in & (t >= launch[feat])
    kind = s["kind"].copy()
    page = s["page"].copy()
    event = s["event"].copy()
    kind[is_app] = K_PAGE
    page[is_app & ~feature_ok] = np.where(logged_in[is_app & ~feature_ok], PAGE_APP, C.P_HOME)
    kind[feature_ok] = K_TRACK
    event[feature_ok] = C.E_FEATURE
    page[feature_ok] = -1
    feature = np.where(feature_ok, feat, -1)

    sel = np.flatnonzero(keep_s)
    visit_of = s["visit"][sel]
    kind, page, event, feature, t, logged_in = kind[sel], page[sel], event[sel], feature[sel], t[sel], logged_in[sel]
    form = s["form"][sel]
    # context page: forward fill the last page slot within the visit (first slot is always a page)
    is_page = kind == K_PAGE
    idx = np.where(is_page, np.arange(len(sel)), 0)
    ctx_slot = np.maximum.accumulate(idx)
    ctx_page = page[ctx_slot]
    pstart = group_starts(visit_of)
    ctx_is_landing = pstart[ctx_slot]
    # previous page of each page slot (within the visit)
    pg = np.flatnonzero(is_page)
    prev_of_page = np.r_[-1, page[pg][:-1]]
    prev_of_page[pstart[pg]] = -1
    prev_page_arr = np.full(len(sel), -1)
    prev_page_arr[pg] = prev_of_page
    prev_page = prev_page_arr[ctx_slot]

    # renumber kept visits
    vmap = np.full(nv, -1)
    vk = np.flatnonzero(keep_v)
    vmap[vk] = np.arange(len(vk))
    n_events = np.bincount(vmap[visit_of], minlength=len(vk))
    vstart = np.full(len(vk), 0, dtype=np.int64)
    first_kept = np.flatnonzero(pstart)
    vstart[vmap[visit_of[first_kept]]] = t[first_kept]
    vend = np.zeros(len(vk), dtype=np.int64)
    np.maximum.at(vend, vmap[visit_of], t)
    visits = Visits(usage=usage[vk], device=device[vk], person=person[vk], channel=channel[vk],
                    campaign=campaign[vk], referrer=referrer[vk], utm_in_context=utm_in_context[vk],
                    encoding=encoding[vk], reentry=reentry[vk], start=vstart, end=vend, n_events=n_events,
                    gid=chunk * 10_000_000 + np.arange(len(vk), dtype=np.int64))
    slots = Slots(visit=vmap[visit_of], kind=kind, event=event, page=page, ctx_page=ctx_page,
                  ctx_is_landing=ctx_is_landing, prev_page=prev_page, form=form, feature=feature, t=t,
                  logged_in=logged_in)
    form_t = np.full(n_p, -1, dtype=np.int64)
    fslots = np.flatnonzero(slots.kind == K_IDENTIFY_LEAD)
    fper = visits.person[slots.visit[fslots]]
    form_t[fper] = t[fslots]
    form_vis = np.full(n_p, -1)
    form_vis[fper] = slots.visit[fslots]
    state = dict(signed=signed, signup_t=np.where(signed, signup_t, -1), form_t=form_t,
                 lead_lift_contribution=lead_lift_contribution,
                 form_type=np.where(form_t >= 0, form_type, -1), form_visit=form_vis,
                 first_seen=_first_seen(n_p, visits))
    return visits, slots, state


def _lift_caused_forms(cfg: C.GeneratorConfig, chunk: int, n_p: int, p_base: np.ndarray, form_visit: np.ndarray,
                       channel: np.ndarray, person: np.ndarray, own_sorted: np.ndarray, offs: np.ndarray,
                       cnt: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Form fills caused by visits (config.CHANNEL_LEAD_LIFT), drawn from a separate sub-generator so the main
    stream is untouched. A person without a base form fill fills one with P = 1 - prod(1 - lift) over their
    own-device visits, in a visit picked in proportion to its lift (the visit that caused it). Returns the new
    form visits and, per channel, the expected number of form fills caused: sum over people of
    P(fill) - P(fill without that channel's visits) (the removal effect the attribution truth compares with)."""
    lift_rng = np.random.default_rng([cfg.seed, chunk, C.LIFT_STREAM])
    lift = np.array(C.CHANNEL_LEAD_LIFT)[channel[own_sorted]]
    per = person[own_sorted]
    n_ch = len(C.CHANNELS)
    log_keep = np.log1p(-lift)
    keep_all = np.bincount(per, weights=log_keep, minlength=n_p)
    keep_by_ch = np.zeros((n_p, n_ch))
    np.add.at(keep_by_ch, (per, channel[own_sorted]), log_keep)
    p_all = 1 - (1 - p_base) * np.exp(keep_all)
    p_without = 1 - (1 - p_base)[:, None] * np.exp(keep_all[:, None] - keep_by_ch)
    contribution = (p_all[:, None] - p_without)[cnt > 0].sum(axis=0)
    p_lift = 1 - np.exp(keep_all)
    u = lift_rng.random(n_p)
    caused = (form_visit < 0) & (cnt > 0) & (u < p_lift)
    cp = np.flatnonzero(caused)
    if len(cp):
        cum = np.cumsum(lift)
        start = np.where(offs[cp] > 0, cum[np.maximum(offs[cp] - 1, 0)], 0.0)
        target = start + lift_rng.random(len(cp)) * (cum[offs[cp] + cnt[cp] - 1] - start)
        idx = np.searchsorted(cum, target, side="right")
        idx = np.clip(idx, offs[cp], offs[cp] + cnt[cp] - 1)
        form_visit = form_visit.copy()
        form_visit[cp] = own_sorted[idx]
    return form_visit, contribution


def _first_seen(n_p: int, v: Visits) -> np.ndarray:
    out = np.full(n_p, np.iinfo(np.int64).max)
    np.minimum.at(out, v.person, v.start)
    return out
