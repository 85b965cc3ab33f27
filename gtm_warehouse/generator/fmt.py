"""Vectorised string formatting helpers (numpy -> pyarrow) used by every table builder.

Everything here works on whole columns: no per-row Python. Fixed-width strings are assembled as
``uint8`` matrices and handed to Arrow as a buffer, which is an order of magnitude faster than
``numpy.datetime_as_string`` or Python f-strings.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_B36 = np.frombuffer(b"0123456789abcdefghijklmnopqrstuvwxyz", dtype=np.uint8)
US = 1_000_000  # microseconds per second
_HEX2 = np.stack([np.repeat(_HEX, 16), np.tile(_HEX, 16)], axis=1)  # byte -> two hex chars
_HEX2_16 = np.ascontiguousarray(_HEX2).view("<u2").ravel()  # byte -> two hex chars as one uint16
_TRIPLE = None  # "000".."999" as a (1000, 3) matrix; set below once _digits can build it
MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def mix64(x: np.ndarray, key: int) -> np.ndarray:
    """A keyed bijection on uint64 (splitmix64 finaliser): distinct inputs give distinct outputs."""
    z = (x.astype(np.uint64) + np.uint64(key & 0xFFFFFFFFFFFFFFFF)) & MASK64
    with np.errstate(over="ignore"):
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return z


def _matrix_to_arrow(mat: np.ndarray) -> pa.Array:
    """Turn an (n, w) uint8 matrix into an Arrow string array of n strings of width w."""
    n, w = mat.shape
    data = pa.py_buffer(np.ascontiguousarray(mat).reshape(-1))
    offsets = pa.py_buffer((np.arange(n + 1, dtype=np.int32) * w).tobytes())
    return pa.StringArray.from_buffers(n, offsets, data)


def _digits(values: np.ndarray, width: int, base: int, alphabet: np.ndarray) -> np.ndarray:
    out = np.empty((len(values), width), dtype=np.uint8)
    if base == 16 and width <= 16:
        v = np.ascontiguousarray(values.astype(np.uint64).astype(">u8"))
        full = _HEX2_16[v.view(np.uint8)].view(np.uint8).reshape(-1, 16)
        return full if width == 16 else np.ascontiguousarray(full[:, 16 - width:])
    v = values.astype(np.int64).copy()
    b = base
    i = width - 1
    if base == 10 and _TRIPLE is not None:  # three digits per pass through a 1000-entry table
        while i >= 2:
            out[:, i - 2:i + 1] = _TRIPLE[(v % 1000).astype(np.intp)]
            v //= 1000
            i -= 3
    while i >= 0:
        out[:, i] = alphabet[(v % b).astype(np.intp)]
        v //= b
        i -= 1
    return out


def fixed(prefix: str, values: np.ndarray, width: int, base: int = 10, suffix: str = "") -> pa.Array:
    """``prefix + zero-padded digits(values) + suffix`` for each value (base 10, 16 or 36)."""
    alphabet = {10: _HEX[:10], 16: _HEX, 36: _B36}[base]
    if base != 16 and len(values) and int(np.max(values)) >= base ** width:
        raise OverflowError(f"{prefix}: value {int(np.max(values))} does not fit {width} base-{base} digits")
    body = _digits(values, width, base, alphabet)
    parts = []
    if prefix:
        parts.append(np.broadcast_to(np.frombuffer(prefix.encode(), np.uint8), (len(values), len(prefix))))
    parts.append(body)
    if suffix:
        parts.append(np.broadcast_to(np.frombuffer(suffix.encode(), np.uint8), (len(values), len(suffix))))
    return _matrix_to_arrow(np.hstack(parts) if len(parts) > 1 else body)


def uuid_like(a: np.ndarray, b: np.ndarray) -> pa.Array:
    """UUID-v4-looking strings from two uint64 arrays (uniqueness follows from ``a``)."""
    ha = _digits(a, 16, 16, _HEX)
    hb = _digits(b, 16, 16, _HEX)
    n = len(a)
    dash = np.full((n, 1), ord("-"), np.uint8)
    hb[:, 0] = ord("4")
    hb[:, 4] = _HEX[8 + (b & np.uint64(3)).astype(np.intp)]
    mat = np.hstack([ha[:, :8], dash, ha[:, 8:12], dash, hb[:, 0:4], dash, hb[:, 4:8], dash, ha[:, 12:16], hb[:, 8:16]])
    return _matrix_to_arrow(mat)


def gather(arr: np.ndarray, idx: np.ndarray, default=0) -> np.ndarray:
    """``arr[idx]`` with ``default`` where idx < 0 (also safe when ``arr`` is empty)."""
    idx = np.asarray(idx)
    if len(arr) == 0:
        return np.full(idx.shape, default, dtype=np.result_type(arr.dtype, np.asarray(default).dtype))
    return np.where(idx >= 0, arr[np.clip(idx, 0, len(arr) - 1)], default)


def civil(us: np.ndarray) -> tuple[np.ndarray, ...]:
    """Split epoch microseconds into (year, month, day, hour, minute, second, millisecond)."""
    us = np.asarray(us, dtype=np.int64)
    days = us // (86_400 * US)
    rem = us - days * 86_400 * US
    # Howard Hinnant's civil_from_days
    z = days + 719_468
    era = z // 146_097
    doe = z - era * 146_097
    yoe = (doe - doe // 1460 + doe // 36_524 - doe // 146_096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = np.where(mp < 10, mp + 3, mp - 9)
    y = y + (m <= 2)
    secs = rem // US
    return y, m, d, secs // 3600, (secs // 60) % 60, secs % 60, (rem // 1000) % 1000


_DEC = _HEX[:10]
_PAIR = _digits(np.arange(100), 2, 10, _DEC)
_TRIPLE = _digits(np.arange(1000), 3, 10, _DEC)  # built digit by digit (_TRIPLE was None)
DAY_US = 86_400 * US


_ISO_DTYPE = np.dtype([("ym", "<u8"), ("dd", "<u2"), ("t", "u1"), ("hms", "<u8"), ("ms", "<u4"), ("z", "u1")])
assert _ISO_DTYPE.itemsize == 24


def _hms_table() -> np.ndarray:
    secs = np.arange(86_400)
    mat = np.hstack([_PAIR[secs // 3600], np.full((86_400, 1), ord(":"), np.uint8), _PAIR[(secs // 60) % 60],
                     np.full((86_400, 1), ord(":"), np.uint8), _PAIR[secs % 60]])
    return np.ascontiguousarray(mat).view("<u8").ravel()


_HMS = _hms_table()  # "HH:MM:SS" as one uint64 per second of the day
_MS4 = np.ascontiguousarray(np.hstack([np.full((1000, 1), ord("."), np.uint8), _TRIPLE])).view("<u4").ravel()


def iso_ms(us: np.ndarray) -> pa.Array:
    """ISO-8601 UTC strings ``YYYY-MM-DDTHH:MM:SS.mmmZ`` from epoch microseconds.

    Each 24-byte string is a packed record filled by four table lookups: the date from a per-day
    table, ``HH:MM:SS`` from a per-second-of-day table and ``.mmm`` from a per-millisecond table.
    """
    us = np.asarray(us, dtype=np.int64)
    n = len(us)
    if n == 0:
        return pa.array([], pa.string())
    day = us // DAY_US
    d0 = int(day.min())
    udays = np.arange(d0, int(day.max()) + 1, dtype=np.int64)
    y, mo, d, *_ = civil(udays * DAY_US)
    dash = np.full((len(udays), 1), ord("-"), np.uint8)
    ym = np.ascontiguousarray(np.hstack([_digits(y, 4, 10, _DEC), dash, _PAIR[mo], dash])).view("<u8").ravel()
    dd = np.ascontiguousarray(_PAIR[d]).view("<u2").ravel()
    rec = np.empty(n, dtype=_ISO_DTYPE)
    di = (day - d0).astype(np.intp)
    rec["ym"] = ym[di]
    rec["dd"] = dd[di]
    rec["t"] = ord("T")
    rem = us - day * DAY_US
    rec["hms"] = _HMS[(rem // US).astype(np.intp)]
    rec["ms"] = _MS4[((rem // 1000) % 1000).astype(np.intp)]
    rec["z"] = ord("Z")
    return _matrix_to_arrow(rec.view(np.uint8).reshape(n, 24))


def ts(us: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """Timestamp[us] (timezone-naive, UTC wall clock) array from epoch microseconds."""
    return pa.array(np.asarray(us, dtype=np.int64), type=pa.timestamp("us"), mask=mask)


def date32(us: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array((np.asarray(us, dtype=np.int64) // (86_400 * US)).astype(np.int32), type=pa.date32(), mask=mask)


def take(vocab: Sequence[str], idx: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    """Strings ``vocab[idx]``; null where ``mask`` is true (or idx < 0)."""
    idx = np.asarray(idx, dtype=np.int64)
    m = idx < 0 if mask is None else (mask | (idx < 0))
    return _vocab(tuple(vocab)).take(pa.array(np.where(m, 0, idx), mask=m))


@lru_cache(maxsize=512)
def _vocab(vocab: tuple[str, ...]) -> pa.Array:
    return pa.array(vocab, type=pa.string())


def join(*parts: pa.Array | str) -> pa.Array:
    """Element-wise concatenation; null if any part is null."""
    return pc.binary_join_element_wise(*parts, "")


def null_where(arr: pa.Array, mask: np.ndarray) -> pa.Array:
    """Set ``arr`` to null where ``mask`` is true."""
    if not mask.any():
        return arr
    return pc.if_else(pa.array(mask), pa.nulls(len(arr), arr.type), arr)


def nulls(n: int, typ: pa.DataType = pa.string()) -> pa.Array:
    return pa.nulls(n, typ)
