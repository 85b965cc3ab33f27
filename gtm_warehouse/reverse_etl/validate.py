"""Row validation of a destination object with a Great Expectations 1.x suite (ephemeral context, in-memory
pandas batches of bounded size). Every failing row comes back with its reasons, so invalid rows go to
the rejected-rows file and the rest can still be sent (unless the rejected share passes the threshold).

The suite: the primary key is non-null and unique; required fields are present; at least one of each
`required_any` group is present; hashed fields are 64 lower-case hex characters (SHA-256); fields that
must never carry plaintext identifiers hold no email address or phone number; consent / eligibility flags
are true; values lie in their ranges and sets.

Memory is bounded whatever the object's size (`validate_table`): the rows are validated in chunks of
`validation_chunk_rows()` rows (one pandas batch at a time), and the one rule a chunk cannot decide alone,
key uniqueness, is checked over the whole table in SQL (the same rule: every row whose non-null key occurs
more than once fails it), so a chunked run rejects exactly the rows a single batch would, with the same
reasons in the same order.
"""
from __future__ import annotations

import logging
import os
import sys
from functools import lru_cache

from gtm_warehouse.reverse_etl.config import SyncObject

SHA256 = r"^[0-9a-f]{64}$"
EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"
# A phone number as people write it: optional +, then 7 to 15 digits (E.164's most) with spaces, dots,
# dashes or brackets between them. A longer run of digits is no phone: a click id that happens to be all
# digits (a 16-digit gclid turned up at 10M events) must not be rejected as one.
PHONE = r"^\s*\+?(?:[0-9][ ().-]*){7,15}\s*$"
KEY = "_key"
ROW = "_row"
UNIQUE_REASON = "primary_key_duplicate"
# Rows per Great Expectations batch. A pandas batch (with GE's per-expectation copies) costs several
# hundred bytes a row: at 10M events the largest object (the lead timeline, 1.3M rows) in one batch took
# the exporter past 4 GiB on top of DuckDB's buffers; 200,000 rows keep a batch near 100 MB.
DEFAULT_CHUNK_ROWS = 200_000


def validation_chunk_rows() -> int:
    """Rows per validation batch: $GTM_EXPORT_VALIDATION_ROWS, else DEFAULT_CHUNK_ROWS."""
    text = os.environ.get("GTM_EXPORT_VALIDATION_ROWS", "").strip()
    if not text:
        return DEFAULT_CHUNK_ROWS
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        from gtm_warehouse.reverse_etl.config import ExportError
        raise ExportError(f"GTM_EXPORT_VALIDATION_ROWS={text!r} is not a positive number of rows")
    return value


def rule_column(column: str) -> str:
    """Name of the copy of a warehouse column the rules read in the candidate table."""
    return f"_r_{column}"


def any_column(index: int) -> str:
    return f"_r_any_{index}"


@lru_cache(maxsize=1)
def _context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    # GE imports every optional back end that is installed; the exporter validates pandas batches only, so
    # pyspark (installed by `make spark-setup`) is hidden while GE imports (a second of start-up and a
    # pandas-version warning saved), then made importable again for whoever needs it.
    hide_spark = "pyspark" not in sys.modules
    if hide_spark:
        sys.modules["pyspark"] = None  # type: ignore[assignment]
    try:
        import great_expectations as gx
    finally:
        if hide_spark and sys.modules.get("pyspark", 0) is None:
            del sys.modules["pyspark"]
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    source = context.data_sources.add_pandas("reverse_etl")
    return gx, source


def _items(obj: SyncObject, unique: bool = True) -> list:
    """(expectation, reason a failing row gets) for one object, in suite order. `unique=False` leaves out
    key uniqueness (checked over the whole table by `validate_table` when rows are chunked)."""
    gx, _ = _context()
    e = gx.expectations
    rules = obj.rules
    items = [(e.ExpectColumnValuesToNotBeNull(column=KEY), "primary_key_null")]
    if unique:
        items.append((e.ExpectColumnValuesToBeUnique(column=KEY), UNIQUE_REASON))
    for col in rules.get("required") or []:
        items.append((e.ExpectColumnValuesToNotBeNull(column=rule_column(col)), f"required_missing:{col}"))
    for i, group in enumerate(rules.get("required_any") or []):
        items.append((e.ExpectColumnValuesToNotBeNull(column=any_column(i)), f"required_any_missing:{'|'.join(group)}"))
    for col in rules.get("sha256") or []:
        items.append((e.ExpectColumnValuesToMatchRegex(column=rule_column(col), regex=SHA256), f"not_sha256:{col}"))
    for col in rules.get("no_plaintext") or []:
        items.append((e.ExpectColumnValuesToNotMatchRegex(column=rule_column(col), regex=EMAIL), f"plaintext_email:{col}"))
        items.append((e.ExpectColumnValuesToNotMatchRegex(column=rule_column(col), regex=PHONE), f"plaintext_phone:{col}"))
    for col in rules.get("must_be_true") or []:
        items.append((e.ExpectColumnValuesToNotBeNull(column=rule_column(col)), f"not_true:{col}"))
        items.append((e.ExpectColumnValuesToBeInSet(column=rule_column(col), value_set=[True]), f"not_true:{col}"))
    for col, (low, high) in (rules.get("ranges") or {}).items():
        items.append((e.ExpectColumnValuesToBeBetween(column=rule_column(col), min_value=low, max_value=high),
                      f"out_of_range:{col}"))
    for col, values in (rules.get("accepted_values") or {}).items():
        items.append((e.ExpectColumnValuesToBeInSet(column=rule_column(col), value_set=list(values)),
                      f"not_accepted:{col}"))
    return items


def build_suite(obj: SyncObject, unique: bool = True):
    """The expectations for one object (`_items`), each carrying its reason in `meta`."""
    gx, _ = _context()
    items = _items(obj, unique)
    suite = gx.ExpectationSuite(name=f"reverse_etl__{obj.destination}__{obj.name}")
    for expectation, reason in items:
        expectation.meta = {"reason": reason}
        suite.add_expectation(expectation)
    return suite


def validate(obj: SyncObject, frame, unique: bool = True) -> tuple[bool, dict[int, list[str]]]:
    """Run the object's suite on `frame` (a pandas DataFrame with _row, _key and _r_* columns).

    Returns (suite passed, {row number: [reasons]}) for every failing row. `unique=False`: without the
    key-uniqueness rule (see `validate_table`).
    """
    _, source = _context()
    name = f"{obj.destination}__{obj.name}"
    try:
        asset = source.get_asset(name)
    except LookupError:
        asset = source.add_dataframe_asset(name)
    try:
        batch_definition = asset.get_batch_definition("whole")
    except (KeyError, LookupError):
        batch_definition = asset.add_batch_definition_whole_dataframe("whole")
    batch = batch_definition.get_batch(batch_parameters={"dataframe": frame})
    suite = build_suite(obj, unique=unique)
    result = batch.validate(suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [ROW]})
    failed: dict[int, list[str]] = {}
    for res in result.results:
        if res.success:
            continue
        reason = (res.expectation_config.meta or {}).get("reason", res.expectation_config.type)
        raised = (res.exception_info or {}).get("raised_exception") if isinstance(res.exception_info, dict) else None
        if raised:
            raise RuntimeError(f"Great Expectations could not evaluate {reason} on {obj.label}: "
                               f"{res.exception_info.get('exception_message')}")
        for row in (res.result or {}).get("unexpected_index_list") or []:
            failed.setdefault(int(row[ROW]), []).append(reason)
    return bool(result.success), failed


def reason_order(obj: SyncObject) -> dict[str, int]:
    """Position of each reason in the suite (the order a failing row lists its reasons in)."""
    order: dict[str, int] = {}
    for _, reason in _items(obj):
        order.setdefault(reason, len(order))
    return order


def validate_table(obj: SyncObject, con, table: str, columns: list[str],
                   chunk_rows: int | None = None) -> tuple[bool, dict[int, list[str]]]:
    """Validate the rows of DuckDB table `table` (columns `_row` = 1..n, `_key` and the rule columns) in
    batches of `chunk_rows` rows (default `validation_chunk_rows()`), one pandas frame in memory at a time.

    Key uniqueness is decided in SQL over the whole table (a batch cannot see a duplicate in another
    batch); every other rule per batch. Same result as `validate` on the whole table in one frame:
    (all rules passed, {row number: [reasons, in suite order]}).
    """
    chunk_rows = chunk_rows or validation_chunk_rows()
    select = ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
    total = con.execute(f"select count(*), coalesce(max({ROW}), 0) from {table}").fetchall()[0]
    rows, last = total
    failed: dict[int, list[str]] = {}
    passed = True
    if rows <= chunk_rows:  # one batch: the suite as it is, uniqueness included
        frame = con.execute(f"select {select} from {table}").df()
        return validate(obj, frame)
    for start in range(0, last, chunk_rows):
        frame = con.execute(f"select {select} from {table} where {ROW} > {start} and {ROW} <= {start + chunk_rows}"
                            ).df()
        ok, part = validate(obj, frame, unique=False)
        del frame
        passed = passed and ok
        for row, reasons in part.items():
            failed.setdefault(row, []).extend(reasons)
    duplicates = con.execute(f"""select {ROW} from {table} where {KEY} in (
        select {KEY} from {table} where {KEY} is not null group by {KEY} having count(*) > 1)""").fetchall()
    if duplicates:
        passed = False
        for (row,) in duplicates:
            failed.setdefault(int(row), []).append(UNIQUE_REASON)
        order = reason_order(obj)
        for row, reasons in failed.items():
            reasons.sort(key=lambda reason: order.get(reason, len(order)))
    return passed, failed
