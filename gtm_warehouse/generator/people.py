"""Accounts, people and their devices for one chunk (all vectorised).

A chunk owns its accounts and the people of those accounts, so chunks are independent and can be
generated one after the other with bounded memory. Global ids are ``chunk * STRIDE + local``.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import config as C

STRIDE = 1_000_000  # local index space per chunk for accounts, people, devices, visits, ...


def rank_within(keys: np.ndarray) -> np.ndarray:
    """0 for the first occurrence of each key (in array order), 1 for the second, ..."""
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    start = np.r_[True, sk[1:] != sk[:-1]]
    idx = np.arange(len(sk))
    first = np.maximum.accumulate(np.where(start, idx, 0))
    out = np.empty(len(keys), dtype=np.int64)
    out[order] = idx - first
    return out


def group_starts(sorted_keys: np.ndarray) -> np.ndarray:
    """Boolean mask: True where a new group starts in an already sorted key array."""
    return np.r_[True, sorted_keys[1:] != sorted_keys[:-1]] if len(sorted_keys) else np.zeros(0, bool)


@dataclass
class Accounts:
    gid: np.ndarray
    intent: np.ndarray
    name_a: np.ndarray
    name_b: np.ndarray
    suffix: np.ndarray
    tld: np.ndarray
    industry: np.ndarray
    employees: np.ndarray
    country: np.ndarray

    def __len__(self) -> int:
        return len(self.gid)


@dataclass
class People:
    gid: np.ndarray
    account: np.ndarray  # local account index or -1
    intent: np.ndarray
    first: np.ndarray
    last: np.ndarray
    free_mail: np.ndarray  # index into FREE_MAIL or -1 (company email)
    email_rank: np.ndarray  # disambiguates equal first.last within one domain
    role0: np.ndarray
    role_mask: np.ndarray  # bit mask of the additional roles
    title: np.ndarray  # index into the flattened TITLES
    technical: np.ndarray

    def __len__(self) -> int:
        return len(self.gid)


@dataclass
class Devices:
    """Devices (anonymous ids) and usages (device, person) - a shared device has several usages."""

    gid: np.ndarray
    user_agent: np.ndarray
    ip: np.ndarray  # (n, 4) octets
    use_device: np.ndarray
    use_person: np.ndarray
    use_weight: np.ndarray
    use_own: np.ndarray  # the person's own device (False for a shared-device usage)


def make_accounts(rng: np.random.Generator, chunk: int, n_people: int) -> Accounts:
    n = max(1, int(n_people * 0.78 / 3.5))
    return Accounts(
        gid=chunk * STRIDE + np.arange(n, dtype=np.int64),
        intent=rng.beta(1.6, 4.5, n),
        name_a=rng.integers(0, len(C.NAME_A), n),
        name_b=rng.integers(0, len(C.NAME_B), n),
        suffix=rng.integers(0, len(C.NAME_SUFFIX), n),
        tld=rng.choice(len(C.TLDS), n, p=[0.45, 0.2, 0.1, 0.1, 0.1, 0.05]),
        industry=rng.integers(0, len(C.INDUSTRIES), n),
        employees=(np.exp(rng.normal(4.0, 1.6, n)) + 2).astype(np.int64),
        country=rng.choice(len(C.COUNTRIES), n, p=[0.4, 0.1, 0.1, 0.06, 0.06, 0.05, 0.07, 0.05, 0.04, 0.03, 0.02, 0.02]),
    )


def make_people(rng: np.random.Generator, chunk: int, n: int, acc: Accounts) -> People:
    has_acc = rng.random(n) < 0.78
    w = np.minimum(rng.pareto(1.8, len(acc)) + 0.2, 15.0)  # heavy-tailed account sizes, capped
    account = np.where(has_acc, rng.choice(len(acc), n, p=w / w.sum()), -1)
    noise = rng.normal(0, 0.12, n)
    intent = np.where(has_acc, np.clip(acc.intent[np.maximum(account, 0)] + noise, 0.01, 0.99),
                      rng.beta(1.2, 7.0, n))
    first = rng.integers(0, len(C.FIRST_NAMES), n)
    last = rng.integers(0, len(C.LAST_NAMES), n)
    free_mail = np.where(has_acc, -1, rng.integers(0, len(C.FREE_MAIL), n))
    key = np.where(has_acc, account, -1 - np.arange(n)) * 10_000 + first * 100 + last
    role0 = rng.choice(len(C.ROLES), n, p=C.ROLE_WEIGHTS)
    n_extra = rng.choice(3, n, p=[0.72, 0.2, 0.08])
    mask = np.zeros(n, dtype=np.int64)
    for k in (1, 2):
        r = rng.integers(0, len(C.ROLES), n)
        mask |= np.where(n_extra >= k, 1 << r, 0)
    mask &= ~(1 << role0)
    tech_bits = sum(1 << r for r in C.TECHNICAL_ROLES)
    technical = np.isin(role0, list(C.TECHNICAL_ROLES)) | ((mask & tech_bits) != 0)
    title = role0 * 4 + rng.integers(0, 4, n)
    return People(gid=chunk * STRIDE + np.arange(n, dtype=np.int64), account=account, intent=intent,
                  first=first, last=last, free_mail=free_mail, email_rank=rank_within(key), role0=role0,
                  role_mask=mask, title=title, technical=technical)


def make_devices(rng: np.random.Generator, chunk: int, ppl: People) -> Devices:
    n = len(ppl)
    n_dev = rng.choice([1, 2, 3], n, p=[0.55, 0.33, 0.12])
    person = np.repeat(np.arange(n), n_dev)
    first = group_starts(person)
    nd = len(person)
    ua = rng.choice(len(C.USER_AGENTS), nd, p=C.USER_AGENT_WEIGHTS)
    ip = rng.integers(1, 255, (nd, 4))
    # Shared devices (kiosk / shared laptop): ~1.5% of people also use someone else's primary device.
    primary = np.flatnonzero(first)
    sharers = np.flatnonzero(rng.random(n) < 0.015)
    host = primary[rng.integers(0, len(primary), len(sharers))]
    ok = person[host] != sharers
    sharers, host = sharers[ok], host[ok]
    weight = np.where(first, 1.0, 0.45)
    return Devices(
        gid=chunk * STRIDE + np.arange(nd, dtype=np.int64), user_agent=ua, ip=ip,
        use_device=np.r_[np.arange(nd), host], use_person=np.r_[person, sharers],
        use_weight=np.r_[weight, np.full(len(sharers), 0.35)],
        use_own=np.r_[np.ones(nd, bool), np.zeros(len(sharers), bool)],
    )
