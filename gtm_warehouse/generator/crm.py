"""CRM (Salesforce-like): leads from form fills, opportunities driven by hidden intent.

What drives conversion (also written to the manifest): account intent, a demo request, the
number of people of the account who signed up and whether a technical person signed up.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import config as C
from .fmt import gather
from .people import Accounts, People

US = 1_000_000
DAY = 86_400 * US

CONVERSION_DRIVERS = [
    "hidden account intent (Beta(1.6, 4.5)); person intent = account intent + noise",
    "a Demo Requested form fill on the account (+1.6 on the opportunity logit)",
    "number of signed-up people on the account (+0.5 each, capped at 3)",
    "a technical signer (Engineer / Product / Analytics role) (+0.7 on the opportunity logit, +0.8 on the win logit)",
    "an existing product workspace (+0.6 on the win logit); win logit = -2.0 + 2.5 * intent + ...",
    "technical roles sign up 1.3x as often; non-technical 0.75x",
    "channel causal lift: each visit through channel c causes a form fill (lead) with probability CHANNEL_LEAD_LIFT[c]",
    "channel causal lift: + CHANNEL_OPP_LIFT[c] on the opportunity logit when any person of the account visited via c",
]

# extra CRM campaigns beyond the utm campaigns of config.CAMPAIGNS
EXTRA_CAMPAIGNS = [(C.SALES_CONTACT_FORM, "Website", "Website Demo Request"),
                   ("Ebook: CDP report 2026", "Content", "Website Content Download")]
LEAD_SOURCES = ["Web", "Paid Acquisition", "Event", "Partner", "Product Signup"]
LEAD_STATUSES = ["Open", "Working", "MQL", "Qualified", "Unqualified", "Converted"]
STAGES_OPEN = ["Discovery", "Demo", "Proposal", "Negotiation"]
STAGE_PROB_OPEN = [0.1, 0.25, 0.5, 0.75]
STAGES = STAGES_OPEN + ["Closed Won", "Closed Lost"]


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass
class Crm:
    lead_person: np.ndarray
    lead_created: np.ndarray
    lead_source: np.ndarray
    lead_status: np.ndarray
    lead_campaign: np.ndarray  # crm campaign index (form campaign)
    lead_visit_campaign: np.ndarray  # utm campaign index of the form visit or -1
    lead_converted: np.ndarray
    lead_opp: np.ndarray  # opportunity index if this lead became the opportunity contact, else -1
    contact_person: np.ndarray
    contact_created: np.ndarray
    contact_source: np.ndarray
    person_contact: np.ndarray  # per person: contact index or -1
    person_lead: np.ndarray
    opp_account: np.ndarray
    opp_contact: np.ndarray  # contact index
    opp_created: np.ndarray
    opp_close: np.ndarray
    opp_stage: np.ndarray
    opp_amount: np.ndarray
    opp_plan: np.ndarray
    opp_campaign: np.ndarray  # crm campaign index or -1
    opp_source: np.ndarray
    crm_accounts: np.ndarray  # account indexes that exist in the CRM
    acc_opp: np.ndarray  # per account: opportunity index or -1
    opp_lift_contribution: np.ndarray  # per channel: expected opportunities caused (removal effect)


def crm_campaign_index_for_utm(utm_idx: np.ndarray) -> np.ndarray:
    return utm_idx  # utm campaigns come first in the CRM campaign list


def simulate_crm(rng: np.random.Generator, acc: Accounts, ppl: People, form_t: np.ndarray, form_type: np.ndarray,
                 form_campaign: np.ndarray, form_channel: np.ndarray, signed: np.ndarray, signup_t: np.ndarray,
                 acc_has_ws: np.ndarray, t_hi: int, as_of: int, acc_channels: np.ndarray | None = None) -> Crm:
    n_p, n_a = len(ppl), len(acc)
    leads = np.flatnonzero(form_t >= 0)
    lead_created = form_t[leads] + rng.integers(60 * US, 1800 * US, len(leads))
    ch = form_channel[leads]
    lead_source = np.select([np.isin(ch, [C.CH_PAID_SEARCH, C.CH_PAID_SOCIAL]), ch == C.CH_EVENT, ch == C.CH_PARTNER],
                            [1, 2, 3], 0)
    n_utm = len(C.CAMPAIGNS)
    ft = form_type[leads]
    webinar_camp = [i for i, c in enumerate(C.CAMPAIGNS) if c[0] == "warehouse_webinar"][0]
    lead_campaign = np.select([ft == 2, ft == 1], [n_utm, webinar_camp], n_utm + 1)

    # account level signals
    acc_demo = np.zeros(n_a, bool)
    la = ppl.account[leads]
    acc_demo[la[(la >= 0) & (ft == 2)]] = True
    sg = np.flatnonzero(signed & (ppl.account >= 0))
    n_sign = np.bincount(ppl.account[sg], minlength=n_a)
    tech_sign = np.bincount(ppl.account[sg], weights=ppl.technical[sg], minlength=n_a) > 0
    acc_leads = np.bincount(la[la >= 0], minlength=n_a)
    engaged = (acc_leads > 0) | (n_sign > 0)
    logit = -3.8 + 4.0 * acc.intent + 1.6 * acc_demo + 0.5 * np.minimum(n_sign, 3) + 0.7 * tech_sign
    # causal lift of the channels the account's people visited through (config.CHANNEL_OPP_LIFT)
    if acc_channels is None:
        acc_channels = np.zeros((n_a, len(C.CHANNELS)), bool)
    opp_lift = acc_channels * np.array(C.CHANNEL_OPP_LIFT)
    logit = logit + opp_lift.sum(axis=1)
    opp_lift_contribution = (sigmoid(logit)[:, None] - sigmoid(logit[:, None] - opp_lift))[engaged].sum(axis=0)
    has_opp = engaged & (rng.random(n_a) < sigmoid(logit))
    # anchor: earliest lead or signup of the account
    anchor = np.full(n_a, np.iinfo(np.int64).max)
    np.minimum.at(anchor, la[la >= 0], lead_created[la >= 0])
    np.minimum.at(anchor, ppl.account[sg], signup_t[sg])
    opp_created_all = anchor + (rng.exponential(8.0, n_a) * DAY).astype(np.int64) + DAY
    has_opp &= opp_created_all < t_hi
    opp_acc = np.flatnonzero(has_opp)
    n_o = len(opp_acc)
    opp_created = opp_created_all[opp_acc]
    opp_close = opp_created + rng.integers(14 * DAY, 90 * DAY, n_o)
    closed = opp_close < as_of
    win_logit = -2.0 + 2.5 * acc.intent[opp_acc] + 0.8 * tech_sign[opp_acc] + 0.6 * acc_has_ws[opp_acc]
    won = closed & (rng.random(n_o) < sigmoid(win_logit))
    opp_stage = np.where(closed, np.where(won, 4, 5), rng.integers(0, 4, n_o))
    emp = acc.employees[opp_acc]
    opp_plan = np.select([emp < 50, emp < 500], [1, 2], 3)
    opp_amount = np.round(np.array(C.PLAN_DEAL)[opp_plan] * np.exp(rng.normal(0, 0.25, n_o)), -1)
    acc_opp = np.full(n_a, -1)
    acc_opp[opp_acc] = np.arange(n_o)

    # contacts: leads on opportunity accounts (converted) plus the opportunity contact if no lead
    lead_on_opp = (la >= 0) & (acc_opp[np.maximum(la, 0)] >= 0)
    lead_on_opp &= lead_created < opp_created_all[np.maximum(la, 0)]
    conv_leads = leads[lead_on_opp]
    no_lead_opp = opp_acc[np.bincount(la[lead_on_opp], minlength=n_a)[opp_acc] == 0]
    # contact for accounts without a converting lead: the first signer
    first_signer = np.full(n_a, -1)
    order = np.lexsort((-signup_t[sg], ppl.account[sg]))  # last assignment wins -> earliest signup
    first_signer[ppl.account[sg][order]] = sg[order]
    extra = first_signer[no_lead_opp]
    extra = extra[extra >= 0]
    contact_person = np.r_[conv_leads, extra]
    person_contact = np.full(n_p, -1)
    person_contact[contact_person] = np.arange(len(contact_person))
    contact_created = np.r_[opp_created_all[ppl.account[conv_leads]], opp_created_all[ppl.account[extra]]] if len(contact_person) else np.zeros(0, np.int64)
    contact_source = np.r_[lead_source[lead_on_opp], np.full(len(extra), 4)]
    # opportunity contact: the first converted contact of the account
    opp_contact = np.full(n_o, -1)
    cacc = ppl.account[contact_person]
    rev = np.arange(len(contact_person))[::-1]
    opp_contact[acc_opp[cacc[rev]]] = rev
    lead_opp = np.full(len(leads), -1)
    person_lead = np.full(n_p, -1)
    person_lead[leads] = np.arange(len(leads))
    oc_person = gather(contact_person, opp_contact, 0)
    has_lead = (opp_contact >= 0) & (gather(person_lead, oc_person, -1) >= 0)
    lead_opp[person_lead[oc_person[has_lead]]] = np.flatnonzero(has_lead)
    vc = form_campaign[leads]
    opp_campaign = np.full(n_o, -1)
    lead_idx = person_lead[oc_person]
    ok = has_lead
    opp_campaign[ok] = np.where(vc[lead_idx[ok]] >= 0, vc[lead_idx[ok]], lead_campaign[lead_idx[ok]])
    opp_source = np.where(has_lead, gather(lead_source, np.where(has_lead, lead_idx, -1), 4), 4)

    lead_status = np.where(lead_on_opp, 5,
                           rng.choice(5, len(leads), p=[0.3, 0.2, 0.2, 0.05, 0.25]))
    crm_accounts = np.flatnonzero(has_opp | (acc_leads > 0))
    return Crm(lead_person=leads, lead_created=lead_created, lead_source=lead_source, lead_status=lead_status,
               lead_campaign=lead_campaign, lead_visit_campaign=vc, lead_converted=lead_on_opp, lead_opp=lead_opp,
               contact_person=contact_person, contact_created=contact_created, contact_source=contact_source,
               person_contact=person_contact, person_lead=person_lead, opp_account=opp_acc, opp_contact=opp_contact,
               opp_created=opp_created, opp_close=opp_close, opp_stage=opp_stage, opp_amount=opp_amount,
               opp_plan=opp_plan, opp_campaign=opp_campaign, opp_source=opp_source, crm_accounts=crm_accounts,
               acc_opp=acc_opp, opp_lift_contribution=opp_lift_contribution)
