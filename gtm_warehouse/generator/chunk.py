"""One chunk of the simulated world: its people, their behaviour and the strings to render them."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import config as C
from . import fmt
from .crm import Crm, simulate_crm
from .ids import Ids
from .people import STRIDE, Accounts, Devices, People, make_accounts, make_devices, make_people
from .product import (CHURN_STREAM, ProductRows, Subscriptions, Workspaces, apply_churn_drivers, make_subscriptions,
                      make_workspaces, simulate_product)
from .web import Slots, Visits, simulate_web

US = 1_000_000
DAY = 86_400 * US
EMPLOYEE_BUCKETS = ["1-10", "11-50", "51-200", "201-1000", "1000+"]
SIGNUP_METHODS = ["email", "google", "github"]
CONSENT_SOURCES = ["cookie_banner", "preference_center", "signup_form"]
NPS_COMMENTS = ["Great product", "Docs could be better", "Too expensive", "Love the integrations", "",
                "Support was slow", "Easy to set up", "Missing features we need"]


def crm_campaign_names() -> list[str]:
    from .crm import EXTRA_CAMPAIGNS
    return [c[0] for c in C.CAMPAIGNS] + [c[0] for c in EXTRA_CAMPAIGNS]


@dataclass
class World:
    cfg: C.GeneratorConfig
    chunk: int
    rng: np.random.Generator
    ids: Ids
    contract_event_tables: set[str]
    acc: Accounts
    ppl: People
    dev: Devices
    visits: Visits
    slots: Slots
    state: dict[str, np.ndarray]
    ws: Workspaces
    crm: Crm
    prod: ProductRows
    subs: Subscriptions
    ws_paid_t: np.ndarray
    ws_paid_plan: np.ndarray
    ws_churn_t: np.ndarray
    s_ppl: dict[str, pa.Array] = field(default_factory=dict)
    s_acc: dict[str, pa.Array] = field(default_factory=dict)
    s_dev: dict[str, pa.Array] = field(default_factory=dict)
    s_vis: dict[str, pa.Array] = field(default_factory=dict)
    s_ws: dict[str, pa.Array] = field(default_factory=dict)
    v_has_utm_ctx: np.ndarray = field(default=None)  # type: ignore[assignment]
    email_variants: list[tuple[np.ndarray, pa.Array]] = field(default_factory=list)

    def landing_vocab(self) -> dict[str, pa.Array]:
        """URL / search / referrer candidates: one entry per page path, then one per visit (landing)."""
        if not hasattr(self, "_landing_vocab"):
            from .segment import PATHS
            v, s = self.visits, self.slots
            first = np.r_[True, s.visit[1:] != s.visit[:-1]] if len(s.visit) else np.zeros(0, bool)
            land = np.zeros(len(v.gid), dtype=np.int64)
            land[s.visit[first]] = s.page[first]
            q = self.s_vis["query"]
            bare = pa.array([C.SITE + p for p in PATHS])
            landing_url = fmt.join(C.SITE, fmt.take(PATHS, land), q)
            self._landing_vocab = {
                "url": pa.concat_arrays([bare, landing_url]),
                "search": pa.concat_arrays([pa.array([""]), q]),
                "referrer": pa.concat_arrays([bare, self.s_vis["referrer"]]),
            }
        return self._landing_vocab

    @property
    def t_hi(self) -> int:
        return self.cfg.as_of_us - 3 * 3600 * US

    # -- phones (own seeded sub-stream: gtm_warehouse/generator/phones.py) -------------------------------
    def phones(self) -> tuple[pa.Array, pa.Array]:
        """(raw phone as typed, true E.164) per person of the chunk."""
        if not hasattr(self, "_phones"):
            from .phones import person_phones
            account_country = np.where(self.ppl.account >= 0, self.acc.country[np.maximum(self.ppl.account, 0)], -1)
            raw, e164 = person_phones(self.cfg.seed, self.chunk, account_country)
            self._phones = (pa.array(raw, pa.string()), pa.array(e164, pa.string()))
        return self._phones

    # -- e-mails --------------------------------------------------------------------------------------
    def email_column(self, person: np.ndarray, defect: np.ndarray) -> pa.Array:
        """Person e-mails as written by a client, with malformed / needs-normalisation variants."""
        sp = self.s_ppl
        pp = pa.array(person)
        canon = sp["email"].take(pp)
        if not (defect > 0).any():
            return canon
        local = sp["email_local"].take(pp)
        dom = sp["email_domain"].take(pp)
        n = len(person)
        k = self.rng.integers(0, 3, n)
        malformed = pc.if_else(pa.array(k == 0), fmt.join(local, "@@", dom),
                               pc.if_else(pa.array(k == 1), fmt.join(local, " at ", dom), pa.scalar("n/a")))
        out = pc.if_else(pa.array(defect == 1), malformed, canon)
        out = pc.if_else(pa.array(defect == 2), pc.utf8_upper(canon), out)
        out = pc.if_else(pa.array(defect == 3), fmt.join("  ", canon, " "), out)
        out = pc.if_else(pa.array(defect == 4), fmt.join("mailto:", canon), out)
        var = defect >= 2
        if var.any():
            self.email_variants.append((person[var], out.filter(pa.array(var))))
        return out

    # -- per-event properties ----------------------------------------------------------------------
    def event_properties(self, event: int, person: np.ndarray, slot: np.ndarray, ref: np.ndarray,
                         t: np.ndarray, email_defect: np.ndarray) -> dict[str, pa.Array]:
        sp, ids, n = self.s_ppl, self.ids, len(person)
        pp = pa.array(person)
        pr = self.prod
        ws_of = self.ws.person_ws[person]
        out: dict[str, pa.Array] = {}
        if event == C.E_SIGNUP:
            out["email"] = self.email_column(person, email_defect)
            for c in ("first_name", "last_name", "roles", "company_name"):
                out[c] = sp[c].take(pp)
            out["signup_method"] = fmt.take(SIGNUP_METHODS, self.ppl.gid[person] % 3)
        elif event == C.E_WORKSPACE:
            out["workspace_id"] = self.s_ws["id"].take(pa.array(ref))
            out["workspace_name"] = self.s_ws["name"].take(pa.array(ref))
            out["workspace_slug"] = self.s_ws["slug"].take(pa.array(ref))
        elif event == C.E_SOURCE:
            out["workspace_id"] = self.s_ws["id"].take(pa.array(pr.src_ws[ref]))
            out["source_id"] = ids.short("src_", self.chunk * STRIDE + ref, 11)
            out["source_type"] = fmt.take([s[0] for s in C.SOURCE_TYPES], pr.src_type[ref])
            out["source_category"] = fmt.take([s[1] for s in C.SOURCE_TYPES], pr.src_type[ref])
        elif event == C.E_DEST:
            out["workspace_id"] = self.s_ws["id"].take(pa.array(pr.dst_ws[ref]))
            out["destination_id"] = ids.short("dst_", self.chunk * STRIDE + ref, 12)
            out["destination_name"] = fmt.take([s[0] for s in C.DESTINATIONS], pr.dst_kind[ref])
            out["destination_category"] = fmt.take([s[1] for s in C.DESTINATIONS], pr.dst_kind[ref])
        elif event == C.E_INVITE:
            out["workspace_id"] = self.s_ws["id"].take(pa.array(pr.inv_ws[ref]))
            out["invitee_email"] = sp["email"].take(pa.array(pr.inv_person[ref]))
            out["invitee_role"] = fmt.take(["member", "admin"], (ref % 5 == 0).astype(np.int64))
        elif event == C.E_FEATURE:
            out["workspace_id"] = self.s_ws["id"].take(pa.array(ws_of, mask=ws_of < 0))
            out["feature_name"] = fmt.take([x[0] for x in C.FEATURES], self.slots.feature[slot])
        elif event == C.E_CONTENT:
            k = self.ppl.gid[person] % len(C.CONTENT)
            out["content_id"] = fmt.take([c[0] for c in C.CONTENT], k)
            out["content_title"] = fmt.take([c[1] for c in C.CONTENT], k)
            out["content_type"] = fmt.take([c[2] for c in C.CONTENT], k)
            out["email"] = self.email_column(person, email_defect)
        elif event == C.E_WEBINAR:
            k = self.ppl.gid[person] % len(C.WEBINARS)
            out["webinar_id"] = fmt.take([c[0] for c in C.WEBINARS], k)
            out["webinar_name"] = fmt.take([c[1] for c in C.WEBINARS], k)
            out["webinar_date"] = fmt.date32(t + (3 + k * 4) * DAY)
            out["email"] = self.email_column(person, email_defect)
        elif event == C.E_DEMO:
            out["email"] = self.email_column(person, email_defect)
            out["company_name"] = sp["company_name"].take(pp)
            a = self.ppl.account[person]
            emp = self.acc.employees[np.maximum(a, 0)]
            out["company_size"] = fmt.take(EMPLOYEE_BUCKETS, np.searchsorted([10, 50, 200, 1000], emp), a < 0)
            out["form_name"] = fmt.take([C.SALES_CONTACT_FORM], np.zeros(n, np.int64))
        elif event == C.E_TICKET:
            out["ticket_id"] = pc.cast(pa.array(self.ticket_ids(ref)), pa.string())
            out["workspace_id"] = self.s_ws["id"].take(pa.array(pr.tk_ws[ref]))
            out["priority"] = fmt.take(["low", "normal", "high", "urgent"], pr.tk_priority[ref])
            out["subject"] = fmt.take(C.TICKET_SUBJECTS, pr.tk_subject[ref])
        elif event == C.E_NPS:
            out["response_id"] = self.response_ids(ref)
            out["survey_id"] = self.survey_ids(pr.nps_t[ref])
            out["workspace_id"] = self.s_ws["id"].take(pa.array(pr.nps_ws[ref]))
            out["score"] = pa.array(pr.nps_score[ref], type=pa.int64())
            out["comment"] = fmt.take(NPS_COMMENTS, self.nps_comment(ref))
        elif event == C.E_CONSENT:
            g = fmt.mix64(self.ppl.gid[person].astype(np.uint64) + slot.astype(np.uint64), 77)
            withdrawn = (g % np.uint64(100)) < np.uint64(15)
            out["consent_analytics"] = pa.array(~withdrawn)
            out["consent_advertising"] = pa.array(~withdrawn & ((g >> np.uint64(8)) % np.uint64(3) > 0))
            out["consent_functional"] = pa.array(np.ones(n, bool))
            out["consent_source"] = fmt.take(CONSENT_SOURCES, ((g >> np.uint64(16)) % np.uint64(3)).astype(np.int64))
        elif event in (C.E_EMAIL_DELIVERED, C.E_EMAIL_OPENED, C.E_EMAIL_CLICKED, C.E_EMAIL_BOUNCED,
                       C.E_EMAIL_UNSUBSCRIBED):
            out["email_id"] = ids.short("em_", self.chunk * STRIDE + ref, 13)
            camp = pr.em_campaign[ref]
            out["campaign_id"] = fmt.fixed("cio_", camp, 4)
            out["campaign_name"] = fmt.take([c[0] for c in C.CAMPAIGNS], camp)
            out["email_subject"] = fmt.take(C.EMAIL_SUBJECTS, pr.em_subject[ref])
            if event == C.E_EMAIL_CLICKED:
                q = [f"{C.SITE}/blog/what-is-a-cdp?utm_source=customerio&utm_medium=email&utm_campaign={quote(c[0])}"
                     for c in C.CAMPAIGNS]
                out["link_url"] = fmt.take(q, camp)
            if event in (C.E_EMAIL_BOUNCED, C.E_EMAIL_UNSUBSCRIBED):
                out["email_address"] = sp["email"].take(pp)
            if event == C.E_EMAIL_BOUNCED:
                out["bounce_type"] = fmt.take(["soft", "hard"], pr.em_bounce_hard[ref].astype(np.int64))
        return out

    def ticket_ids(self, ref: np.ndarray) -> np.ndarray:
        return (self.chunk * STRIDE + ref + 1).astype(np.int64)

    def response_ids(self, ref: np.ndarray) -> pa.Array:
        return self.ids.short("resp_", self.chunk * STRIDE + ref, 14)

    def survey_ids(self, t: np.ndarray) -> pa.Array:
        q = (fmt.civil(t)[1] - 1) // 3 + 1
        return fmt.fixed("nps_2026_q", q, 1)

    def nps_comment(self, ref: np.ndarray) -> np.ndarray:
        score = self.prod.nps_score[ref]
        return np.where(score >= 9, np.where(ref % 2 == 0, 0, 3), np.where(score <= 6, 2 + (ref % 3) * 2 + (ref % 3 == 2), 4))


def build_world(cfg: C.GeneratorConfig, chunk: int, n_people: int, ids: Ids,
                event_tables: set[str], strings: bool = True) -> World:
    """Simulate one chunk. ``strings=False`` skips string preparation (used for calibration)."""
    rng = np.random.default_rng([cfg.seed, chunk])
    acc = make_accounts(rng, chunk, n_people)
    ppl = make_people(rng, chunk, n_people, acc)
    dev = make_devices(rng, chunk, ppl)
    visits, slots, state = simulate_web(rng, cfg, chunk, ppl, dev)
    t_hi = cfg.as_of_us - 3 * 3600 * US
    ws = make_workspaces(rng, chunk, acc, ppl, state["signed"], state["signup_t"])
    acc_has_ws = np.zeros(len(acc), bool)
    acc_has_ws[ws.account[ws.account >= 0]] = True
    fv = state["form_visit"]
    form_campaign = np.where(fv >= 0, visits.campaign[np.maximum(fv, 0)], -1)
    form_channel = np.where(fv >= 0, visits.channel[np.maximum(fv, 0)], -1)
    # channels the account's people visited through, up to the account's first form fill or signup: the
    # opportunity is created at least a day after that anchor (crm.simulate_crm), so only exposures that
    # precede the opportunity can cause it (docs/GENERATOR.md "Channel lift")
    person_anchor = np.where(state["form_t"] >= 0, state["form_t"], np.iinfo(np.int64).max)
    person_anchor = np.where(state["signed"], np.minimum(person_anchor, state["signup_t"]), person_anchor)
    acc_anchor = np.full(len(acc), np.iinfo(np.int64).max)
    in_acc = ppl.account >= 0
    np.minimum.at(acc_anchor, ppl.account[in_acc], person_anchor[in_acc])
    visit_acc = ppl.account[visits.person]
    exposed = visit_acc >= 0
    exposed[exposed] = visits.start[exposed] <= acc_anchor[visit_acc[exposed]]
    acc_channels = np.zeros((len(acc), len(C.CHANNELS)), bool)
    acc_channels[visit_acc[exposed], visits.channel[exposed]] = True
    crm = simulate_crm(rng, acc, ppl, state["form_t"], state["form_type"], form_campaign, form_channel,
                       state["signed"], state["signup_t"], acc_has_ws, t_hi, cfg.as_of_us, acc_channels)
    won = crm.opp_stage == 4
    won_acc = crm.opp_account[won]
    acc_ws = np.full(len(acc), -1)
    acc_ws[ws.account[ws.account >= 0]] = np.flatnonzero(ws.account >= 0)
    wws = acc_ws[won_acc]
    ok = wws >= 0
    won_t = crm.opp_close[won][ok] + rng.integers(0, 2 * DAY, int(ok.sum()))
    subs, churn_t = make_subscriptions(rng, ws, wws[ok], crm.opp_plan[won][ok], won_t, t_hi)
    paid_t = np.full(len(ws), -1, dtype=np.int64)
    paid_plan = np.zeros(len(ws), dtype=np.int64)
    paid_rows = subs.plan > 0
    paid_t[subs.workspace[paid_rows]] = subs.started[paid_rows]
    paid_plan[subs.workspace[paid_rows]] = subs.plan[paid_rows]
    prod = simulate_product(rng, ws, ppl, state["signed"], state["signup_t"], paid_t >= 0, t_hi)
    # churn from product adoption and support load, on its own stream (docs/GENERATOR.md, churn_drivers)
    subs, churn_t = apply_churn_drivers(np.random.default_rng([cfg.seed, chunk, CHURN_STREAM]), ws, prod, subs,
                                        paid_t, t_hi)
    w = World(cfg=cfg, chunk=chunk, rng=rng, ids=ids, contract_event_tables=event_tables, acc=acc, ppl=ppl,
              dev=dev, visits=visits, slots=slots, state=state, ws=ws, crm=crm, prod=prod, subs=subs,
              ws_paid_t=paid_t, ws_paid_plan=paid_plan, ws_churn_t=churn_t)
    if strings:
        _prepare_strings(w)
    return w


def _campaign_vocab() -> tuple[list[str], dict[str, list[str | None]]]:
    """URL query per (campaign, encoding) and the decoded utm values per campaign."""
    queries, dec = [], {k: [] for k in ("source", "medium", "name", "term", "content")}
    for name, platform, ch, _typ, _cpc in C.CAMPAIGNS:
        medium = C.CAMPAIGN_MEDIUM.get(ch) or ("webinar" if "webinar" in name else "event")
        term = "customer data platform" if ch == C.CH_PAID_SEARCH else None
        content = "video ad" if ch == C.CH_PAID_SOCIAL else None
        for enc in range(3):
            q = quote_plus if enc == 1 else quote
            s = f"?utm_source={platform}&utm_medium={medium}&utm_campaign={q(name)}"
            if term:
                s += f"&utm_term={q(term)}"
            if content:
                s += f"&utm_content={q(content)}"
            queries.append(s)
        for k, v in (("source", platform), ("medium", medium), ("name", name), ("term", term), ("content", content)):
            dec[k].append(v)
    return queries, dec


def _prepare_strings(w: World) -> None:
    ids, acc, ppl, dev, v = w.ids, w.acc, w.ppl, w.dev, w.visits
    # accounts
    a_name = fmt.join(fmt.take(C.NAME_A, acc.name_a), fmt.take(C.NAME_B, acc.name_b), " ",
                      fmt.take(C.NAME_SUFFIX, acc.suffix))
    domain = fmt.join(fmt.take([x.lower() for x in C.NAME_A], acc.name_a), fmt.take(C.NAME_B, acc.name_b),
                      fmt.fixed("", acc.gid, 6, 36), fmt.take(C.TLDS, acc.tld))
    w.s_acc = {"name": a_name, "domain": domain, "website": fmt.join("https://www.", domain),
               "account_id": ids.account_id(acc.gid)}
    # people
    has_acc = ppl.account >= 0
    ai = pa.array(np.maximum(ppl.account, 0))
    first_l = fmt.take([x.lower() for x in C.FIRST_NAMES], ppl.first)
    last_l = fmt.take([x.lower().replace("ü", "ue") for x in C.LAST_NAMES], ppl.last)
    rank = fmt.take([""] + [str(i) for i in range(1, 1000)], np.minimum(ppl.email_rank, 999))
    local_acc = fmt.join(first_l, ".", last_l, rank)
    local_free = fmt.join(first_l, ".", last_l, pc.cast(pa.array(ppl.gid), pa.string()))
    local = pc.if_else(pa.array(has_acc), local_acc, local_free)
    dom = pc.if_else(pa.array(has_acc), domain.take(ai), fmt.take(C.FREE_MAIL, np.maximum(ppl.free_mail, 0)))
    first = fmt.take(C.FIRST_NAMES, ppl.first)
    last = fmt.take(C.LAST_NAMES, ppl.last)
    roles_vocab = []
    for p in range(len(C.ROLES)):
        for m in range(64):
            roles_vocab.append(",".join([C.ROLES[p]] + [C.ROLES[j] for j in range(len(C.ROLES)) if (m >> j) & 1 and j != p]))
    w.s_ppl = {
        "person_id": ids.person_id(ppl.gid),
        "user_id": ids.user_id(ppl.gid),
        "first_name": first, "last_name": last, "name": fmt.join(first, " ", last),
        "email_local": local, "email_domain": dom, "email": fmt.join(local, "@", dom),
        "title": fmt.take([t for ts in C.TITLES for t in ts], ppl.title),
        "role": fmt.take(C.ROLES, ppl.role0),
        "roles": fmt.take(roles_vocab, ppl.role0 * 64 + ppl.role_mask),
        "company_name": fmt.null_where(a_name.take(ai), ~has_acc),
    }
    # devices
    octet = [str(i) for i in range(256)]
    w.s_dev = {
        "anon": ids.anonymous_id(dev.gid),
        "ip": fmt.join(fmt.take(octet, dev.ip[:, 0]), ".", fmt.take(octet, dev.ip[:, 1]), ".",
                       fmt.take(octet, dev.ip[:, 2]), ".", fmt.take(octet, dev.ip[:, 3])),
        "ua": fmt.take(C.USER_AGENTS, dev.user_agent),
    }
    # visits
    from .web import REFERRERS
    queries, dec = _campaign_vocab()
    has_c = v.campaign >= 0
    q = fmt.take(queries, np.maximum(v.campaign, 0) * 3 + v.encoding, ~has_c)
    platform = np.array([c[1] for c in C.CAMPAIGNS] + [""])[v.campaign]
    click = fmt.fixed("", fmt.mix64(v.gid.astype(np.uint64), w.ids.k(20)), 16, 16)
    cparam = np.select([platform == "google", platform == "facebook", platform == "linkedin"], [0, 1, 2], -1)
    click_q = fmt.join(fmt.take(["&gclid=", "&fbclid=", "&li_fat_id="], cparam), click)
    q = pc.coalesce(fmt.join(q, click_q), q, pa.scalar(""))
    w.s_vis = {"query": q, "referrer": fmt.take(REFERRERS, v.referrer)}
    for k, vals in dec.items():
        w.s_vis["utm_" + k] = pa.array(vals + [None], pa.string()).take(pa.array(np.where(has_c, v.campaign, len(vals))))
    w.v_has_utm_ctx = has_c & v.utm_in_context
    # workspaces
    wa = w.ws.account
    own_name = fmt.join(w.s_ppl["first_name"].take(pa.array(w.ws.owner)), "'s workspace")
    ws_name = pc.if_else(pa.array(wa >= 0), a_name.take(pa.array(np.maximum(wa, 0))), own_name)
    w.s_ws = {"id": ids.workspace_id(w.ws.gid), "name": ws_name,
              "slug": fmt.join(pc.replace_substring(pc.utf8_lower(pc.replace_substring(ws_name, "'", "")), " ", "-"),
                               "-", fmt.fixed("", w.ws.gid % 10_000, 4))}
