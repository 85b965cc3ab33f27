"""Identifier formatting for every entity (vectorised, unique by construction).

Ids come from keyed bijections of global integer ids, so they are unique, look random and differ
between seeds while staying deterministic.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import fmt

M32 = np.uint64(0xFFFFFFFF)


def perm32(x: np.ndarray, key: int) -> np.ndarray:
    """A keyed bijection on 32-bit integers (odd multipliers and xorshifts mod 2**32)."""
    z = (np.asarray(x).astype(np.uint64) ^ np.uint64(key & 0xFFFFFFFF)) & M32
    for mul in (0x7FEB352D, 0x846CA68B):
        z = (z ^ (z >> np.uint64(16))) & M32
        z = (z * np.uint64(mul)) & M32
    return (z ^ (z >> np.uint64(16))) & M32


class Ids:
    """Formats ids for one run (``seed`` keys the bijections)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.key = int(fmt.mix64(np.array([seed], dtype=np.uint64), 0x5EED)[0])

    def k(self, salt: int) -> int:
        return (self.key * 0x9E3779B97F4A7C15 + salt * 0xD1B54A32D192ED03) & 0xFFFFFFFFFFFFFFFF

    def person_id(self, gid: np.ndarray) -> pa.Array:
        return fmt.fixed("per_", gid, 10)

    def account_id(self, gid: np.ndarray) -> pa.Array:
        return fmt.fixed("acc_", gid, 10)

    def user_id(self, gid: np.ndarray) -> pa.Array:
        return fmt.fixed("usr_", perm32(gid, self.k(1)), 8, 16)

    def anonymous_id(self, gid: np.ndarray) -> pa.Array:
        g = np.asarray(gid).astype(np.uint64)
        return fmt.uuid_like(fmt.mix64(g, self.k(2)), fmt.mix64(g, self.k(3)))

    def message_id(self, counter: np.ndarray, server: np.ndarray | None = None) -> pa.Array:
        h = fmt.mix64(np.asarray(counter).astype(np.uint64), self.k(4))
        return fmt.fixed("ajs-", h, 16, 16)

    def workspace_id(self, gid: np.ndarray) -> pa.Array:
        return fmt.fixed("ws_", perm32(gid, self.k(5)), 7, 36)

    def sf(self, prefix: str, gid: np.ndarray) -> pa.Array:
        """Salesforce-looking 18-char id: 3-char key prefix + 15 base-36 chars."""
        salt = 6 + sum(ord(c) * 31 ** i for i, c in enumerate(prefix)) % 100_000
        return fmt.fixed(prefix + "5g00", perm32(gid, self.k(salt)), 11, 36)

    def short(self, prefix: str, gid: np.ndarray, salt: int) -> pa.Array:
        return fmt.fixed(prefix, perm32(gid, self.k(salt)), 7, 36)
