"""Bad input injected into Segment rows (one defect per row at most) and e-mail defects.

Shares below are fractions of ``--bad-rate``: with the default bad rate of 0.02, 2% of the Segment
core rows (pages, tracks, identifies, groups) carry exactly one of the row defects. A track's
per-event row always carries the same defect as the track row.
"""
from __future__ import annotations

import numpy as np

# code -> (share of bad_rate, expected quarantine reason or None)
ROW_DEFECTS: dict[str, tuple[float, str | None]] = {
    "duplicate_message_id": (0.20, None),
    "missing_identity": (0.10, "missing_identity"),
    "placeholder_ids_both": (0.06, "missing_identity"),
    "placeholder_id_one": (0.08, None),
    "unparseable_timestamp": (0.10, "unparseable_timestamp"),
    "future_timestamp": (0.08, "timestamp_in_future"),
    "long_string": (0.06, None),
    "weird_text": (0.08, None),
    "late_arriving": (0.14, None),
    "clock_skew": (0.10, None),
}
# Not counted in --bad-rate: NULL ``timestamp`` rows (staging derives it), share of bad_rate.
NULL_TIMESTAMP_SHARE = 0.25
# E-mail defects, as shares of the rows/records that carry an e-mail (identifies, form events, CRM leads).
EMAIL_MALFORMED_RATE = 0.02
EMAIL_NORMALISE_RATE = 0.06

CODES = list(ROW_DEFECTS) + ["null_timestamp", "malformed_email", "email_needs_normalisation"]
CODE_INDEX = {c: i for i, c in enumerate(CODES)}
QUARANTINE = {c: r for c, (_, r) in ROW_DEFECTS.items() if r}

PLACEHOLDERS = ["", "null", "anonymous", "0", "-1", "undefined"]
GARBAGE_TIMESTAMPS = ["not-a-date", "2026-13-45T99:00:00Z", "", "NaN", "0000-00-00 00:00:00", "yesterday"]
WEIRD_TEXT = [
    "'; drop table users; --",
    "Robert'); DROP TABLE students;-- 🚀",
    "定价 | GTMCloud 価格 📈",
    "مرحبا بالعالم | GTMCloud",
    "שלום 👋 ‏pricing‏",
    "Zoë's café — naïve façade ✨",
    "\" OR 1=1 --",
    "emoji only 😀😃😄😁🤖",
]
MALFORMED_EMAILS = ["{f}@@{d}", "n/a", "{f} at {d}", "{f}@", "@{d}", "{f}.{d}", "none", "test@test"]


def assign_row_defects(rng: np.random.Generator, n: int, bad_rate: float) -> np.ndarray:
    """Defect code index per row (-1 = clean); includes ``null_timestamp`` (not counted as bad)."""
    shares = np.array([s for s, _ in ROW_DEFECTS.values()] + [NULL_TIMESTAMP_SHARE]) * bad_rate
    edges = np.cumsum(shares)
    u = rng.random(n)
    code = np.searchsorted(edges, u, side="right")
    return np.where(code < len(shares), code, -1)


def email_defects(rng: np.random.Generator, n: int) -> np.ndarray:
    """0 clean, 1 malformed, 2..4 harmless variants (upper case, spaces, mailto:)."""
    u = rng.random(n)
    return np.where(u < EMAIL_MALFORMED_RATE, 1,
                    np.where(u < EMAIL_MALFORMED_RATE + EMAIL_NORMALISE_RATE, 2 + rng.integers(0, 3, n), 0))
