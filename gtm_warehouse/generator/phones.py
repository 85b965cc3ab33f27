"""Phone numbers of people, as the CRM holds them (leads and contacts), and their true E.164 form.

Drawn from a separate, seeded sub-stream (seed, chunk, PHONE_STREAM), so adding phones left every other
generated value as it was. Formats vary as typed into forms: international with `+` or `00`, national
(only for the default country, +1: the warehouse adds var gtm__default_phone_country_code), with spaces,
dots, dashes or parentheses; some are missing and a few are junk (`n/a`, too short: true E.164 NULL).
"""
from __future__ import annotations

import numpy as np

from . import config as C

PHONE_STREAM = 0x50484F4E  # "PHON"
# calling code per config.COUNTRIES
CALLING_CODES = {"United States": "1", "United Kingdom": "44", "Germany": "49", "France": "33", "Canada": "1",
                 "Netherlands": "31", "India": "91", "Australia": "61", "Brazil": "55", "Japan": "81",
                 "Spain": "34", "Sweden": "46"}
MISSING_SHARE = 0.35
JUNK_SHARE = 0.02
JUNK_VALUES = ["n/a", "12345", "-", "tbd"]


def _spaced(digits: str) -> str:
    return " ".join(digits[i:i + 3] for i in range(0, len(digits), 3))


def person_phones(seed: int, chunk: int, account_country: np.ndarray) -> tuple[list, list]:
    """(raw phone as typed or None, true E.164 or None) per person. `account_country` indexes
    config.COUNTRIES (-1: no account; such a person gets a country from this stream)."""
    rng = np.random.default_rng([seed, chunk, PHONE_STREAM])
    n_people = len(account_country)
    country = np.where(account_country >= 0, account_country, rng.integers(0, len(C.COUNTRIES), n_people))
    kind = rng.random(n_people)
    fmt_code = rng.integers(0, 4, n_people)
    first = rng.integers(2, 10, n_people)
    rest = rng.integers(0, 10**9, n_people)
    junk = rng.integers(0, len(JUNK_VALUES), n_people)
    raw, e164 = [], []
    for i in range(n_people):
        if kind[i] < MISSING_SHARE:
            raw.append(None)
            e164.append(None)
            continue
        if kind[i] < MISSING_SHARE + JUNK_SHARE:
            raw.append(JUNK_VALUES[junk[i]])
            e164.append(None)
            continue
        cc = CALLING_CODES[C.COUNTRIES[country[i]]]
        national = f"{first[i]}{rest[i]:09d}" if cc == "1" else f"{first[i]}{rest[i]:09d}"[:9]
        f = fmt_code[i]
        if f == 0:
            text = f"+{cc} {_spaced(national)}"
        elif f == 1:
            text = f"00{cc} {national}"
        elif f == 2 and cc == "1":
            text = f"({national[:3]}) {national[3:6]}-{national[6:]}"
        elif f == 2:
            text = f"+{cc}-{national[:3]}-{national[3:]}"
        elif cc == "1":
            text = f"{national[:3]}.{national[3:6]}.{national[6:]}"
        else:
            text = f"+{cc}.{national}"
        raw.append(text)
        e164.append(f"+{cc}{national}")
    return raw, e164
