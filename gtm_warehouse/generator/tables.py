"""Non-Segment raw tables of one chunk: CRM, product DB, support, surveys, privacy.

Global tables that do not belong to a chunk (CRM campaigns, support agents, ad platforms) are
built by :mod:`gtm_warehouse.generator.ads` and :func:`global_tables` at the end of a run.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import config as C
from . import defects as D
from . import fmt
from .crm import EXTRA_CAMPAIGNS, LEAD_SOURCES, LEAD_STATUSES, STAGE_PROB_OPEN, STAGES
from .people import STRIDE

if TYPE_CHECKING:
    from .chunk import World

US = 1_000_000
DAY = 86_400 * US
Cols = dict[str, pa.Array]
N_AGENTS = 25
SUPPORT_USER_BASE = 1_000_000_000
SUPPORT_ORG_BASE = 2_000_000_000


def loaded_at(w: "World", n: int) -> pa.Array:
    return fmt.ts(w.cfg.as_of_us - w.rng.integers(5 * 60 * US, 2 * 3600 * US, n))


def _modstamp(w: "World", created: np.ndarray) -> np.ndarray:
    hi = w.cfg.as_of_us - 3 * 3600 * US
    return np.minimum(created + (w.rng.exponential(10.0, len(created)) * DAY).astype(np.int64), np.maximum(hi, created))


def _deleted(w: "World", n: int, rate: float = 0.003) -> pa.Array:
    return pa.array(w.rng.random(n) < rate)


# --- Foundation IV plants (identity, accounts, erasure). Each draws from its own seeded sub-generator, so
# that the main stream, and every other output, stays as it was. --------------------------------------
NO_WORKSPACE_FIELD_SHARE = 0.3  # CRM accounts of a company with a workspace whose workspace id field is empty
DELETED_DUPLICATE_LEAD_SHARE = 0.03  # leads with a soft-deleted duplicate (same person, new id, is_deleted)
N_SUPPORT_ADMINS = 3
# Staff product users: (email local part, email domain, is_staff flag); the internal domain is gtmcloud.io.
STAFF_USERS = [("ana.staff", "gtmcloud.io", True), ("ben.staff", "gtmcloud.io", True),
               ("cho.staff", "gtmcloud.io", True), ("dev.staff", "gtmcloud.io", True),
               ("eli.staff", "gmail.com", True), ("fay.staff", "gtmcloud.io", None)]
# Deletion requests whose identifier is unusable (placeholder anonymous id, malformed email): they erase nobody.
UNUSABLE_DELETION_REQUESTS = [("dsr_unusable_1", None, "anonymous"), ("dsr_unusable_2", "not-an-email", None)]


def _sub_rng(w: "World", stream: int) -> np.random.Generator:
    return np.random.default_rng([w.cfg.seed, w.chunk, stream])


def _no_workspace_field(w: "World", wsa: np.ndarray) -> np.ndarray:
    """CRM accounts created by sales before (or without) anyone filling the workspace id field."""
    return (wsa >= 0) & (_sub_rng(w, 90_901).random(len(wsa)) < NO_WORKSPACE_FIELD_SHARE)


def _with_deleted_duplicate_leads(w: "World", leads: Cols, ck: int) -> Cols:
    """Append soft-deleted duplicates of some leads (a merged CRM duplicate keeps its row, is_deleted)."""
    n = len(leads["id"])
    dup = np.flatnonzero(_sub_rng(w, 90_902).random(n) < DELETED_DUPLICATE_LEAD_SHARE)
    k = len(dup)
    rows = {name: col.take(pa.array(dup, pa.int64())) for name, col in leads.items()}
    rows["id"] = w.ids.sf("00Q", ck + STRIDE - 1 - np.arange(k))
    rows["is_deleted"] = pa.array(np.ones(k, bool))
    rows["is_converted"] = pa.array(np.zeros(k, bool))
    for name in ("converted_date", "converted_account_id", "converted_contact_id", "converted_opportunity_id"):
        rows[name] = pa.nulls(k, leads[name].type)
    return {name: pa.concat_arrays([col, rows[name].cast(col.type)]) for name, col in leads.items()}


def crm_campaign_ids(w: "World", idx: np.ndarray) -> pa.Array:
    return w.ids.sf("701", np.asarray(idx, dtype=np.int64))


def crm_tables(w: "World") -> dict[str, Cols]:
    cr, ppl, acc, ids, sp = w.crm, w.ppl, w.acc, w.ids, w.s_ppl
    ck = w.chunk * STRIDE
    out: dict[str, Cols] = {}
    acc_sf = ids.sf("001", acc.gid)
    opp_sf = ids.sf("006", ck + np.arange(len(cr.opp_account)))
    contact_sf = ids.sf("003", ck + np.arange(len(cr.contact_person)))
    lead_sf = ids.sf("00Q", ck + np.arange(len(cr.lead_person)))
    # accounts
    a = cr.crm_accounts
    created = np.full(len(acc), np.iinfo(np.int64).max)
    la = ppl.account[cr.lead_person]
    np.minimum.at(created, la[la >= 0], cr.lead_created[la >= 0])
    np.minimum.at(created, cr.opp_account, cr.opp_created)
    opp = cr.acc_opp[a]
    won = fmt.gather(cr.opp_stage, opp, -1) == 4
    acc_ws = np.full(len(acc), -1)
    acc_ws[w.ws.account[w.ws.account >= 0]] = np.flatnonzero(w.ws.account >= 0)
    wsa = acc_ws[a]
    churned = fmt.gather(w.ws_churn_t, wsa, -1) >= 0
    typ = np.where(won, np.where(churned, 2, 1), 0)
    c_created = created[a]
    out["crm_accounts"] = {
        "id": acc_sf.take(pa.array(a)), "name": w.s_acc["name"].take(pa.array(a)),
        "website": w.s_acc["website"].take(pa.array(a)), "industry": fmt.take(C.INDUSTRIES, acc.industry[a]),
        "number_of_employees": pa.array(acc.employees[a], pa.int64()),
        "annual_revenue": pa.array(np.round(acc.employees[a] * w.rng.uniform(80_000, 250_000, len(a)), -3)),
        "billing_country": fmt.take(C.COUNTRIES, acc.country[a]),
        "type": fmt.take(["Prospect", "Customer", "Former Customer"], typ),
        "owner_id": ids.sf("005", a % 12),
        "workspace_id_c": w.s_ws["id"].take(pa.array(np.maximum(wsa, 0), mask=(wsa < 0) | _no_workspace_field(w, wsa))),
        "created_date": fmt.ts(c_created), "system_modstamp": fmt.ts(_modstamp(w, c_created)),
        "is_deleted": _deleted(w, len(a)), "_loaded_at": loaded_at(w, len(a)),
    }
    # contacts
    cp = cr.contact_person
    cpa = pa.array(cp)
    ca = ppl.account[cp]
    out["crm_contacts"] = {
        "id": contact_sf, "account_id": acc_sf.take(pa.array(np.maximum(ca, 0), mask=ca < 0)),
        "email": w.email_column(cp, D.email_defects(w.rng, len(cp))),
        "phone": w.phones()[0].take(cpa),
        "first_name": sp["first_name"].take(cpa), "last_name": sp["last_name"].take(cpa), "title": sp["title"].take(cpa),
        "lead_source": fmt.take(LEAD_SOURCES, cr.contact_source),
        "created_date": fmt.ts(cr.contact_created), "system_modstamp": fmt.ts(_modstamp(w, cr.contact_created)),
        "is_deleted": _deleted(w, len(cp)), "_loaded_at": loaded_at(w, len(cp)),
    }
    # leads
    lp = cr.lead_person
    lpa = pa.array(lp)
    lacc = ppl.account[lp]
    lead_email_defect = D.email_defects(w.rng, len(lp))
    w.crm_lead_email_defect = lead_email_defect
    conv = cr.lead_converted
    lead_opp = cr.lead_opp
    lead_contact = cr.person_contact[lp]
    conv_date = np.where(conv, fmt.gather(cr.opp_created, np.where(lacc >= 0, cr.acc_opp[np.maximum(lacc, 0)], -1)), 0)
    out["crm_leads"] = {
        "id": lead_sf, "email": w.email_column(lp, lead_email_defect), "phone": w.phones()[0].take(lpa),
        "first_name": sp["first_name"].take(lpa), "last_name": sp["last_name"].take(lpa),
        "company": pc.coalesce(sp["company_name"].take(lpa), pa.scalar("[not provided]")),
        "title": sp["title"].take(lpa), "industry": fmt.take(C.INDUSTRIES, acc.industry[np.maximum(lacc, 0)], lacc < 0),
        "number_of_employees": pa.array(acc.employees[np.maximum(lacc, 0)], pa.int64(), mask=lacc < 0),
        "lead_source": fmt.take(LEAD_SOURCES, cr.lead_source), "status": fmt.take(LEAD_STATUSES, cr.lead_status),
        "is_converted": pa.array(conv), "converted_date": fmt.date32(conv_date, mask=~conv),
        "converted_account_id": acc_sf.take(pa.array(np.maximum(lacc, 0), mask=~conv)),
        "converted_contact_id": contact_sf.take(pa.array(np.maximum(lead_contact, 0), mask=~conv | (lead_contact < 0))),
        "converted_opportunity_id": opp_sf.take(pa.array(np.maximum(lead_opp, 0), mask=lead_opp < 0)),
        "created_date": fmt.ts(cr.lead_created), "system_modstamp": fmt.ts(_modstamp(w, cr.lead_created)),
        "is_deleted": _deleted(w, len(lp)), "_loaded_at": loaded_at(w, len(lp)),
    }
    out["crm_leads"] = _with_deleted_duplicate_leads(w, out["crm_leads"], ck)
    # opportunities
    oa = cr.opp_account
    st = cr.opp_stage
    prob = np.where(st == 4, 1.0, np.where(st == 5, 0.0, np.array(STAGE_PROB_OPEN + [0, 0])[st]))
    out["crm_opportunities"] = {
        "id": opp_sf, "account_id": acc_sf.take(pa.array(oa)),
        "contact_id": contact_sf.take(pa.array(np.maximum(cr.opp_contact, 0), mask=cr.opp_contact < 0)),
        "name": fmt.join(w.s_acc["name"].take(pa.array(oa)), " - ", fmt.take(C.PLANS, cr.opp_plan)),
        "type": fmt.take(["New Business"], np.zeros(len(oa), np.int64)),
        "stage_name": fmt.take(STAGES, st), "amount": pa.array(cr.opp_amount), "probability": pa.array(prob),
        "close_date": fmt.date32(cr.opp_close), "is_closed": pa.array(st >= 4), "is_won": pa.array(st == 4),
        "lead_source": fmt.take(LEAD_SOURCES, cr.opp_source),
        "campaign_id": fmt.null_where(crm_campaign_ids(w, np.maximum(cr.opp_campaign, 0)), cr.opp_campaign < 0),
        "plan_tier_c": fmt.take(C.PLANS, cr.opp_plan),
        "created_date": fmt.ts(cr.opp_created), "system_modstamp": fmt.ts(_modstamp(w, cr.opp_created)),
        "is_deleted": _deleted(w, len(oa), 0.0), "_loaded_at": loaded_at(w, len(oa)),
    }
    # campaign members: the form's campaign, plus the utm campaign the form visit came through
    vc = cr.lead_visit_campaign
    m2 = vc >= 0
    mem_lead = np.r_[np.arange(len(lp)), np.flatnonzero(m2)]
    mem_camp = np.r_[cr.lead_campaign, vc[m2]]
    n_m = len(mem_lead)
    mem_created = cr.lead_created[mem_lead]
    mc = lead_contact[mem_lead]
    mconv = conv[mem_lead]
    out["crm_campaign_members"] = {
        "id": w.ids.sf("00v", ck + np.arange(n_m)), "campaign_id": crm_campaign_ids(w, mem_camp),
        "lead_id": lead_sf.take(pa.array(mem_lead)),
        "contact_id": contact_sf.take(pa.array(np.maximum(mc, 0), mask=~mconv | (mc < 0))),
        "status": fmt.take(["Responded", "Registered", "Clicked"], np.where(mem_camp == len(C.CAMPAIGNS), 0, 1 + (mem_lead % 2))),
        "has_responded": pa.array(np.ones(n_m, bool)), "first_responded_date": fmt.date32(mem_created),
        "created_date": fmt.ts(mem_created), "system_modstamp": fmt.ts(_modstamp(w, mem_created)),
        "is_deleted": _deleted(w, n_m, 0.0), "_loaded_at": loaded_at(w, n_m),
    }
    w.crm_ids = {"lead": lead_sf, "contact": contact_sf, "account": acc_sf}
    return out


def product_tables(w: "World") -> dict[str, Cols]:
    ws, pr, sp, ids, ck = w.ws, w.prod, w.s_ppl, w.ids, w.chunk * STRIDE
    rng = w.rng
    hi = w.cfg.as_of_us - 3 * 3600 * US
    out: dict[str, Cols] = {}
    signers = np.flatnonzero(w.state["signed"])
    su = pa.array(signers)
    st = w.state["signup_t"][signers]
    out["app_users"] = {"id": sp["user_id"].take(su), "email": sp["email"].take(su), "name": sp["name"].take(su),
                        "created_at": fmt.ts(st), "updated_at": fmt.ts(_modstamp(w, st)),
                        "_loaded_at": loaded_at(w, len(signers))}
    n_w = len(ws)
    upd = _modstamp(w, ws.created)
    out["app_workspaces"] = {"id": w.s_ws["id"], "name": w.s_ws["name"], "slug": w.s_ws["slug"],
                             "owner_user_id": sp["user_id"].take(pa.array(ws.owner)), "created_at": fmt.ts(ws.created),
                             "updated_at": fmt.ts(np.maximum(upd, np.where(ws.deleted >= 0, np.minimum(ws.deleted, hi), 0))),
                             "deleted_at": fmt.ts(np.minimum(ws.deleted, hi), mask=(ws.deleted < 0) | (ws.deleted >= hi)),
                             "_loaded_at": loaded_at(w, n_w)}
    members = signers[ws.person_ws[signers] >= 0]
    mw = ws.person_ws[members]
    is_owner = ws.owner[mw] == members
    m_created = np.where(is_owner, ws.created[mw], w.state["signup_t"][members] + 30 * US)
    removed = np.where(~is_owner & (rng.random(len(members)) < 0.03), np.minimum(m_created + 20 * DAY, hi), -1)
    out["app_workspace_users"] = {
        "id": ids.short("wsu_", ck + np.arange(len(members)), 21), "workspace_id": w.s_ws["id"].take(pa.array(mw)),
        "user_id": sp["user_id"].take(pa.array(members)),
        "role": fmt.take(["owner", "member", "admin"], np.where(is_owner, 0, 1 + (members % 4 == 0))),
        "created_at": fmt.ts(m_created), "removed_at": fmt.ts(removed, mask=removed < 0),
        "updated_at": fmt.ts(np.maximum(m_created, removed)), "_loaded_at": loaded_at(w, len(members))}
    sb = w.subs
    n_s = len(sb.workspace)
    mrr = np.round(np.array(C.PLAN_MRR)[sb.plan] * np.exp(rng.normal(0, 0.15, n_s)), 2)
    out["app_subscriptions"] = {
        "id": ids.short("sub_", ck + np.arange(n_s), 22), "workspace_id": w.s_ws["id"].take(pa.array(sb.workspace)),
        "plan_tier": fmt.take(C.PLANS, sb.plan), "status": fmt.take(["active", "canceled", "upgraded"], sb.status),
        "mrr_amount": pa.array(mrr), "currency": fmt.take(["USD"], np.zeros(n_s, np.int64)),
        "started_at": fmt.ts(sb.started), "ended_at": fmt.ts(sb.ended, mask=sb.ended < 0),
        "updated_at": fmt.ts(np.maximum(sb.started, sb.ended)), "_loaded_at": loaded_at(w, n_s)}
    ns = len(pr.src_ws)
    out["app_sources"] = {
        "id": ids.short("src_", ck + np.arange(ns), 11), "workspace_id": w.s_ws["id"].take(pa.array(pr.src_ws)),
        "source_type": fmt.take([s[0] for s in C.SOURCE_TYPES], pr.src_type),
        "name": fmt.take([f"{s[1]} ({s[0]})" for s in C.SOURCE_TYPES], pr.src_type),
        "created_at": fmt.ts(pr.src_created), "first_event_at": fmt.ts(pr.src_first, mask=pr.src_first < 0),
        "last_event_at": fmt.ts(pr.src_last, mask=pr.src_last < 0), "deleted_at": pa.nulls(ns, pa.timestamp("us")),
        "updated_at": fmt.ts(np.maximum(pr.src_created, pr.src_last)), "_loaded_at": loaded_at(w, ns)}
    nd = len(pr.dst_ws)
    out["app_destinations"] = {
        "id": ids.short("dst_", ck + np.arange(nd), 12), "workspace_id": w.s_ws["id"].take(pa.array(pr.dst_ws)),
        "destination_name": fmt.take([d[0] for d in C.DESTINATIONS], pr.dst_kind),
        "category": fmt.take([d[1] for d in C.DESTINATIONS], pr.dst_kind), "enabled": pa.array(pr.dst_enabled),
        "created_at": fmt.ts(pr.dst_created), "deleted_at": pa.nulls(nd, pa.timestamp("us")),
        "updated_at": fmt.ts(pr.dst_created), "_loaded_at": loaded_at(w, nd)}
    out["app_api_usage_daily"] = _api_usage(w)
    return out


def _api_usage(w: "World") -> Cols:
    pr, ws = w.prod, w.ws
    act = pr.src_first >= 0
    sw = pr.src_ws[act]
    sday = pr.src_first[act] // DAY
    last_day = (w.cfg.as_of_us - 3 * 3600 * US) // DAY
    first = np.full(len(ws), np.iinfo(np.int64).max)
    np.minimum.at(first, sw, sday)
    has = first <= last_day
    wi = np.flatnonzero(has)
    nd = (last_day - first[wi] + 1)
    row_ws = np.repeat(wi, nd)
    day = first[row_ws] + (np.arange(len(row_ws)) - np.repeat(np.cumsum(nd) - nd, nd))
    big = np.int64(1 << 32)
    keys = np.sort(sw.astype(np.int64) * big + sday)
    active = np.searchsorted(keys, row_ws * big + day, "right") - np.searchsorted(keys, row_ws * big, "left")
    rng = w.rng
    base = np.exp(rng.normal(7.0, 1.2, len(ws))) * (0.3 + ws.intent)
    weekday = ((day + 3) % 7) < 5
    calls = (base[row_ws] * active * np.where(weekday, 1.0, 0.45) * np.exp(rng.normal(0, 0.3, len(day)))).astype(np.int64)
    track = (calls * 0.55).astype(np.int64)
    page = (calls * 0.30).astype(np.int64)
    ident = (calls * 0.10).astype(np.int64)
    n = len(day)
    return {"workspace_id": w.s_ws["id"].take(pa.array(row_ws)), "usage_date": pa.array(day.astype(np.int32), pa.date32()),
            "api_calls": pa.array(calls), "track_calls": pa.array(track), "page_calls": pa.array(page),
            "identify_calls": pa.array(ident), "group_calls": pa.array(calls - track - page - ident),
            "active_sources": pa.array(active.astype(np.int64)), "_loaded_at": loaded_at(w, n)}


def support_tables(w: "World") -> dict[str, Cols]:
    pr, sp, rng = w.prod, w.s_ppl, w.rng
    hi = w.cfg.as_of_us - 3 * 3600 * US
    n = len(pr.tk_person)
    tid = w.ticket_ids(np.arange(n))
    req = SUPPORT_USER_BASE + w.ppl.gid[pr.tk_person]
    org = SUPPORT_ORG_BASE + w.ws.gid[pr.tk_ws]
    age = hi - pr.tk_t
    status = np.where(age > 14 * DAY, np.where(rng.random(n) < 0.7, 4, 3), rng.integers(0, 4, n))
    assignee = np.where(status == 0, -1, 1 + rng.integers(0, N_AGENTS, n))
    updated = np.minimum(pr.tk_t + (rng.exponential(2.0, n) * DAY).astype(np.int64), hi)
    out: dict[str, Cols] = {}
    out["support_tickets"] = {
        "id": pa.array(tid), "created_at": fmt.ts(pr.tk_t), "updated_at": fmt.ts(updated),
        "subject": fmt.take(C.TICKET_SUBJECTS, pr.tk_subject),
        "description": fmt.join(fmt.take(C.TICKET_SUBJECTS, pr.tk_subject), ". Please help, this is blocking us."),
        "status": fmt.take(["new", "open", "pending", "hold", "solved"], status),
        "priority": fmt.take(["low", "normal", "high", "urgent"], pr.tk_priority),
        "type": fmt.take(["question", "incident", "problem", "task"], rng.choice(4, n, p=[0.5, 0.3, 0.15, 0.05])),
        "requester_id": pa.array(req), "submitter_id": pa.array(req),
        "assignee_id": pa.array(assignee, mask=assignee < 0, type=pa.int64()), "organization_id": pa.array(org),
        "via_channel": fmt.take(["email", "web", "api", "chat"], rng.choice(4, n, p=[0.45, 0.35, 0.05, 0.15])),
        "_loaded_at": loaded_at(w, n)}
    k = rng.integers(1, 6, n)
    ct = np.repeat(np.arange(n), k)
    pos = np.arange(len(ct)) - np.repeat(np.cumsum(k) - k, k)
    c_created = np.minimum(pr.tk_t[ct] + pos * (rng.exponential(6.0, len(ct)) * 3600 * US).astype(np.int64), hi)
    c_user = np.where((pos % 2 == 1) & (assignee[ct] > 0), assignee[ct], req[ct])
    out["support_ticket_comments"] = {
        "id": pa.array(tid[ct] * 10 + pos), "ticket_id": pa.array(tid[ct]), "user_id": pa.array(c_user),
        "created_at": fmt.ts(c_created), "public": pa.array(rng.random(len(ct)) < 0.9),
        "body": fmt.take(["Thanks for reaching out!", "Could you share a screenshot?", "Still broken for us.",
                          "This is fixed now.", "Internal note: escalate to engineering."], pos % 5),
        "_loaded_at": loaded_at(w, len(ct))}
    ru, first_idx = np.unique(pr.tk_person, return_index=True)
    rp = pa.array(ru)
    r_created = pr.tk_t[first_idx] - 60 * US
    r_ws = pr.tk_ws[first_idx]
    out["support_users"] = {
        "id": pa.array(SUPPORT_USER_BASE + w.ppl.gid[ru]), "email": sp["email"].take(rp), "name": sp["name"].take(rp),
        "role": fmt.take(["end-user"], np.zeros(len(ru), np.int64)),
        "organization_id": pa.array(SUPPORT_ORG_BASE + w.ws.gid[r_ws]), "external_id": sp["user_id"].take(rp),
        "created_at": fmt.ts(r_created), "updated_at": fmt.ts(_modstamp(w, r_created)), "_loaded_at": loaded_at(w, len(ru))}
    uo, oi = np.unique(pr.tk_ws, return_index=True)
    oa = w.ws.account[uo]
    o_created = pr.tk_t[oi] - 120 * US
    out["support_organizations"] = {
        "id": pa.array(SUPPORT_ORG_BASE + w.ws.gid[uo]), "name": w.s_ws["name"].take(pa.array(uo)),
        "domain_names": w.s_acc["domain"].take(pa.array(np.maximum(oa, 0), mask=oa < 0)),
        "external_id": w.s_ws["id"].take(pa.array(uo)), "created_at": fmt.ts(o_created),
        "updated_at": fmt.ts(_modstamp(w, o_created)), "_loaded_at": loaded_at(w, len(uo))}
    w.support_user_people = ru
    return out


def survey_privacy_tables(w: "World") -> dict[str, Cols]:
    pr, sp, rng = w.prod, w.s_ppl, w.rng
    n = len(pr.nps_person)
    q = (fmt.civil(pr.nps_t)[1] - 1) // 3 + 1
    out: dict[str, Cols] = {}
    out["survey_responses"] = {
        "id": w.response_ids(np.arange(n)), "survey_id": w.survey_ids(pr.nps_t),
        "survey_name": fmt.take([f"NPS Q{i} 2026" for i in range(5)], q),
        "survey_type": fmt.take(["nps"], np.zeros(n, np.int64)),
        "respondent_email": sp["email"].take(pa.array(pr.nps_person)),
        "user_id": sp["user_id"].take(pa.array(pr.nps_person)),
        "workspace_id": w.s_ws["id"].take(pa.array(pr.nps_ws)), "submitted_at": fmt.ts(pr.nps_t + 2 * US),
        "score": pa.array(pr.nps_score, pa.int64()),
        "comment": fmt.take(__import__("gtm_warehouse.generator.chunk", fromlist=["NPS_COMMENTS"]).NPS_COMMENTS,
                            w.nps_comment(np.arange(n))),
        "_loaded_at": loaded_at(w, n)}
    # privacy deletion requests: ~0.5% of people seen on the site, by email, user_id or anonymous_id
    seen = np.unique(w.visits.person)
    req = seen[rng.random(len(seen)) < 0.005]
    signed = w.state["signed"][req]
    known_email = signed | (w.state["form_t"][req] >= 0)
    u = rng.random(len(req))
    how = np.where(signed & (u < 0.4), 1, np.where(known_email & (u < 0.8), 0, 2))  # 0 email, 1 user_id, 2 anon
    first_dev = np.full(len(w.ppl), -1)
    own = w.dev.use_own
    first_dev[w.dev.use_person[own][::-1]] = w.dev.use_device[own][::-1]
    dev = first_dev[req]
    hi = w.cfg.as_of_us - 3 * 3600 * US
    at = rng.integers(w.cfg.start_us, hi, len(req))
    done = at + rng.integers(DAY, 25 * DAY, len(req))
    rp = pa.array(req)
    out["privacy_deletion_requests"] = {
        "id": w.ids.short("dsr_", w.chunk * STRIDE + np.arange(len(req)), 30), "requested_at": fmt.ts(at),
        "email": fmt.null_where(sp["email"].take(rp), how != 0),
        "user_id": fmt.null_where(sp["user_id"].take(rp), how != 1),
        "anonymous_id": w.s_dev["anon"].take(pa.array(np.maximum(dev, 0), mask=(how != 2) | (dev < 0))),
        "status": fmt.take(["pending", "completed"], (done < hi).astype(np.int64)),
        "completed_at": fmt.ts(done, mask=done >= hi), "_loaded_at": loaded_at(w, len(req))}
    del q
    return out


def global_tables(w_ids, cfg: C.GeneratorConfig, ad_cost: np.ndarray) -> dict[str, Cols]:
    """CRM campaigns and support agents (one set per run, not per chunk)."""
    names = [c[0] for c in C.CAMPAIGNS] + [c[0] for c in EXTRA_CAMPAIGNS]
    types = [c[3] for c in C.CAMPAIGNS] + [c[1] for c in EXTRA_CAMPAIGNS]
    entry = [None] * len(C.CAMPAIGNS) + [c[2] for c in EXTRA_CAMPAIGNS]
    utm_keys = [c[0] for c in C.CAMPAIGNS] + [None] * len(EXTRA_CAMPAIGNS)
    n = len(names)
    start = cfg.start_us - 30 * DAY
    cost = np.r_[ad_cost, np.zeros(n - len(ad_cost))]
    hi = cfg.as_of_us - 3 * 3600 * US
    rng = np.random.default_rng([cfg.seed, 9_999_999])
    out: dict[str, Cols] = {}
    out["crm_campaigns"] = {
        "id": w_ids.sf("701", np.arange(n)), "name": pa.array(names), "type": pa.array(types),
        "status": pa.array(["Active"] * n), "start_date": fmt.date32(np.full(n, start)),
        "end_date": pa.nulls(n, pa.date32()), "entry_point_c": pa.array(entry, pa.string()),
        # utm_campaign_c: the UTM key of the tracked campaigns (shared with URLs and ad platforms), else empty
        "utm_campaign_c": pa.array(utm_keys, pa.string()),
        "budgeted_cost": pa.array(np.round(cost * 1.1 + 5000.0, -2)), "actual_cost": pa.array(np.round(cost, 2)),
        "created_date": fmt.ts(np.full(n, start)), "system_modstamp": fmt.ts(np.full(n, hi)),
        "is_deleted": pa.array(np.zeros(n, bool)),
        "_loaded_at": fmt.ts(cfg.as_of_us - rng.integers(5 * 60 * US, 2 * 3600 * US, n))}
    out["app_feature_launches"] = feature_launches(cfg)
    a = np.arange(1, N_AGENTS + 1)
    first = [C.FIRST_NAMES[i % len(C.FIRST_NAMES)] for i in range(N_AGENTS)]
    out["support_users"] = {
        "id": pa.array(a), "email": pa.array([f"{f.lower()}.support{i}@gtmcloud.io" for i, f in enumerate(first, 1)]),
        "name": pa.array([f"{f} (Support)" for f in first]), "role": pa.array(["agent"] * N_AGENTS),
        "organization_id": pa.nulls(N_AGENTS, pa.int64()), "external_id": pa.nulls(N_AGENTS, pa.string()),
        "created_at": fmt.ts(np.full(N_AGENTS, start)), "updated_at": fmt.ts(np.full(N_AGENTS, hi)),
        "_loaded_at": fmt.ts(cfg.as_of_us - rng.integers(5 * 60 * US, 2 * 3600 * US, N_AGENTS))}
    staff = _staff_tables(w_ids, cfg, start, hi)
    agents, admins = out["support_users"], staff.pop("support_users")
    out["support_users"] = {c: pa.concat_arrays([agents[c], admins[c].cast(agents[c].type)]) for c in agents}
    out.update(staff)
    return out


def _staff_tables(w_ids, cfg: C.GeneratorConfig, start: int, hi: int) -> dict[str, Cols]:
    """Foundation IV plants, one set per run: support admins (appended after the agents), staff product
    users, and deletion requests whose identifier is unusable. Own sub-generator: nothing else moves."""
    rng = np.random.default_rng([cfg.seed, 9_999_990])
    out: dict[str, Cols] = {}
    # appended to the agents by global_tables
    n_a = N_SUPPORT_ADMINS
    admins = np.arange(N_AGENTS + 1, N_AGENTS + n_a + 1)
    out["support_users"] = {
        "id": pa.array(admins), "email": pa.array([f"admin{i}@gtmcloud.io" for i in range(1, n_a + 1)]),
        "name": pa.array([f"Admin {i} (Support)" for i in range(1, n_a + 1)]), "role": pa.array(["admin"] * n_a),
        "organization_id": pa.nulls(n_a, pa.int64()), "external_id": pa.nulls(n_a, pa.string()),
        "created_at": fmt.ts(np.full(n_a, start)), "updated_at": fmt.ts(np.full(n_a, hi)),
        "_loaded_at": fmt.ts(cfg.as_of_us - rng.integers(5 * 60 * US, 2 * 3600 * US, n_a))}
    n_s = len(STAFF_USERS)
    created = cfg.start_us + rng.integers(0, max(1, hi - cfg.start_us), n_s)
    out["app_users"] = {
        "id": pa.array([f"staff_{i:03d}" for i in range(1, n_s + 1)]),
        "email": pa.array([f"{local}@{domain}" for local, domain, _ in STAFF_USERS]),
        "name": pa.array([local.split(".")[0].title() + " (Staff)" for local, _, _ in STAFF_USERS]),
        "is_staff": pa.array([flag for _, _, flag in STAFF_USERS], pa.bool_()),
        "created_at": fmt.ts(created), "updated_at": fmt.ts(created),
        "_loaded_at": fmt.ts(cfg.as_of_us - rng.integers(5 * 60 * US, 2 * 3600 * US, n_s))}
    n_r = len(UNUSABLE_DELETION_REQUESTS)
    asked = cfg.start_us + rng.integers(0, max(1, hi - cfg.start_us), n_r)
    out["privacy_deletion_requests"] = {
        "id": pa.array([r[0] for r in UNUSABLE_DELETION_REQUESTS]), "requested_at": fmt.ts(asked),
        "email": pa.array([r[1] for r in UNUSABLE_DELETION_REQUESTS], pa.string()),
        "anonymous_id": pa.array([r[2] for r in UNUSABLE_DELETION_REQUESTS], pa.string()),
        "status": pa.array(["pending"] * n_r),
        "_loaded_at": fmt.ts(cfg.as_of_us - rng.integers(5 * 60 * US, 2 * 3600 * US, n_r))}
    return out


def feature_launches(cfg: C.GeneratorConfig) -> Cols:
    """product.app_feature_launches: one row per feature of ``config.FEATURES`` (no random draws)."""
    names = [f[0] for f in C.FEATURES]
    launched = np.array([cfg.start_us + d * DAY for _, d in C.FEATURES], dtype=np.int64)
    n = len(names)
    hi = cfg.as_of_us - 3 * 3600 * US
    return {"id": pa.array([f"feat_{x}" for x in names]), "feature_name": pa.array(names),
            "launched_at": fmt.ts(launched), "docs_url": pa.array([C.FEATURE_DOCS_URL.format(x) for x in names]),
            "updated_at": fmt.ts(np.minimum(launched, hi)), "_loaded_at": fmt.ts(np.full(n, hi))}
