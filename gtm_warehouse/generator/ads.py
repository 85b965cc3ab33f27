"""Ad platforms: one row per paid campaign per day, spend and clicks follow the simulated paid visits."""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import config as C
from . import fmt

US = 1_000_000
DAY = 86_400 * US
PAID = [i for i, c in enumerate(C.CAMPAIGNS) if c[1] in ("google", "facebook", "linkedin")]


class AdsAccumulator:
    """Counts paid visits per (campaign, day) over all chunks."""

    def __init__(self, cfg: C.GeneratorConfig) -> None:
        self.cfg = cfg
        self.day0 = cfg.start_us // DAY
        self.n_days = int(cfg.as_of_us // DAY - self.day0 + 1)
        self.visits = np.zeros((len(C.CAMPAIGNS), self.n_days), dtype=np.int64)

    def add(self, campaign: np.ndarray, start: np.ndarray) -> None:
        m = campaign >= 0
        d = np.clip(start[m] // DAY - self.day0, 0, self.n_days - 1)
        np.add.at(self.visits, (campaign[m], d), 1)

    def tables(self, ids_sf) -> tuple[dict[str, dict[str, pa.Array]], np.ndarray]:
        """The three ads tables and the total cost per campaign (USD) for the CRM."""
        cfg = self.cfg
        rng = np.random.default_rng([cfg.seed, 8_888_888])
        days = self.day0 + np.arange(self.n_days)
        last_full = cfg.as_of_us // DAY  # the as-of day is partial; report up to the day before
        days = days[days < last_full]
        nd = len(days)
        cost_total = np.zeros(len(C.CAMPAIGNS))
        out: dict[str, dict[str, pa.Array]] = {}
        loaded = lambda n: fmt.ts(cfg.as_of_us - rng.integers(5 * 60 * US, 2 * 3600 * US, n))  # noqa: E731
        for platform in ("google", "facebook", "linkedin"):
            camps = [i for i in PAID if C.CAMPAIGNS[i][1] == platform]
            ci = np.repeat(camps, nd)
            di = np.tile(np.arange(nd), len(camps))
            v = self.visits[ci, di]
            # platforms count clicks a bit above landed sessions (bounces before the tag fires)
            clicks = np.round(v * rng.uniform(1.05, 1.25, len(v))).astype(np.int64)
            ctr = np.array([0.04 if platform == "google" else 0.008])
            impressions = np.round(clicks / ctr[0] * rng.uniform(0.8, 1.2, len(v))).astype(np.int64)
            cpc = np.array([C.CAMPAIGNS[i][4] for i in ci]) * rng.uniform(0.85, 1.15, len(v))
            cost = np.round(clicks * cpc, 2)
            np.add.at(cost_total, ci, cost)
            names = fmt.take([c[0] for c in C.CAMPAIGNS], ci)
            cid = fmt.fixed("", 10_000_000 + ci * 7919, 9)
            dates = pa.array(days[di].astype(np.int32), pa.date32())
            n = len(ci)
            if platform == "google":
                out["ads_google_campaign_daily"] = {
                    "date": dates, "customer_id": pa.array(["123-456-7890"] * n), "campaign_id": cid,
                    "campaign_name": names, "impressions": pa.array(impressions), "clicks": pa.array(clicks),
                    "cost_micros": pa.array((cost * 1_000_000).astype(np.int64)),
                    "conversions": pa.array(np.round(clicks * 0.03, 1)), "currency_code": pa.array(["USD"] * n),
                    "_loaded_at": loaded(n)}
            elif platform == "facebook":
                out["ads_facebook_campaign_daily"] = {
                    "date_start": dates, "account_id": pa.array(["act_1029384756"] * n), "campaign_id": cid,
                    "campaign_name": names, "impressions": pa.array(impressions),
                    "inline_link_clicks": pa.array(clicks), "spend": pa.array(cost),
                    "account_currency": pa.array(["USD"] * n), "_loaded_at": loaded(n)}
            else:
                out["ads_linkedin_campaign_daily"] = {
                    "day": dates, "account_id": pa.array(["508912345"] * n), "campaign_id": cid,
                    "campaign_name": names, "impressions": pa.array(impressions), "clicks": pa.array(clicks),
                    "cost_in_usd": pa.array(cost), "_loaded_at": loaded(n)}
        del ids_sf
        return out, cost_total
