"""Erase the raw rows of people who asked to be forgotten (the right to erasure, applied to `raw`).

The warehouse already leaves them out of every intermediate and mart model from the next build
(int_erased_identifiers lists, hashed, every identifier of the person each deletion request resolves to
through the identity graph). This module deletes their rows from the raw tables, and from the incremental
staging copies of the Segment tables (base_segment__*, which keep every raw row they have loaded), in one
transaction. It logs what it erased by request id and row counts, never the data itself.

What is kept, on purpose: the deletion requests (the record that the request was honoured), and
company-level rows that merely point at the person (a workspace's owner_user_id, an opportunity's
contact_id): they are the company's, not the person's.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from gtm_warehouse.contract import load_contract

ERASED_RELATION = "intermediate.int_erased_identifiers"
# Staging's normalisation (macros/staging/cleaning.sql), so that a raw value hashes like its staged value.
_NORMALISE = {
    "id": "nullif(trim(cast({c} as varchar)), '')",
    "email": "lower(trim(replace(lower(trim({c})), 'mailto:', '')))",
}
# Segment tables whose email column identifies the person (the identity graph reads these).
_SEGMENT_EMAIL_COLUMNS = {"identifies": "email", "signed_up": "email", "demo_requested": "email",
                          "content_downloaded": "email", "webinar_registered": "email"}
# Other raw tables: [(identifier type, raw column, normalisation)].
_RECORD_COLUMNS = {
    "crm_leads": [("crm_lead_id", "id", "id"), ("email", "email", "email"),
                  ("crm_contact_id", "converted_contact_id", "id")],
    "crm_contacts": [("crm_contact_id", "id", "id"), ("email", "email", "email")],
    "crm_campaign_members": [("crm_lead_id", "lead_id", "id"), ("crm_contact_id", "contact_id", "id")],
    "app_users": [("user_id", "id", "id"), ("email", "email", "email")],
    "app_workspace_users": [("user_id", "user_id", "id")],
    "support_users": [("support_user_id", "id", "id"), ("email", "email", "email"),
                      ("user_id", "external_id", "id")],
    "support_tickets": [("support_user_id", "requester_id", "id")],
    "support_ticket_comments": [("support_user_id", "user_id", "id")],
    "survey_responses": [("user_id", "user_id", "id"), ("email", "respondent_email", "email")],
}


class PurgeError(Exception):
    """A purge that cannot run (no warehouse, not built): the message says what to do."""


@dataclass
class Target:
    relation: str  # schema.table
    columns: list[tuple[str, str, str]]  # (identifier type, column, normalisation)
    tickets_of: str | None = None  # comments: also the comments of the tickets erased in this relation


def targets(con: duckdb.DuckDBPyConnection) -> list[Target]:
    """Every relation (raw table, incremental staging copy) holding personal rows, with its identifier columns."""
    have = {f"{s}.{t}": {c for (c,) in con.execute(
        "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
        [s, t]).fetchall()} for s, t in con.execute(
        "select table_schema, table_name from information_schema.tables").fetchall()}
    out: list[Target] = []
    for name, table in load_contract().items():
        if table.source == "segment":
            columns = [("anonymous_id", "anonymous_id", "id"), ("user_id", "user_id", "id")]
            if name in _SEGMENT_EMAIL_COLUMNS:
                columns.append(("email", _SEGMENT_EMAIL_COLUMNS[name], "email"))
            for relation in (f"raw.{name}", f"staging.base_segment__{name}"):
                if relation in have:
                    out.append(Target(relation, [c for c in columns if c[1] in have[relation]]))
        elif name in _RECORD_COLUMNS and f"raw.{name}" in have:
            cols = [c for c in _RECORD_COLUMNS[name] if c[1] in have[f"raw.{name}"]]
            out.append(Target(f"raw.{name}", cols,
                              tickets_of="raw.support_tickets" if name == "support_ticket_comments" else None))
    return out


def _matches(target: Target, erased: str) -> str:
    """SQL condition: the row holds an identifier listed in `erased` (deletion_request_id, type, hash)."""
    return " or ".join(
        f"md5({_NORMALISE[kind].format(c=column)}) in "
        f"(select identifier_hash from {erased} where identifier_type = '{identifier_type}')"
        for identifier_type, column, kind in target.columns)


def _ticket_condition(target: Target, erased: str) -> str:
    if target.tickets_of is None:
        return ""
    tickets = Target(target.tickets_of, _RECORD_COLUMNS["support_tickets"])
    return f" or ticket_id in (select id from {target.tickets_of} where {_matches(tickets, erased)})"


def _rows_by_request(target: Target) -> str:
    """SQL: (deletion_request_id, rowid) of each row of the target that a request erases."""
    parts = [
        f"select e.deletion_request_id, t.rowid as row_id from {target.relation} as t "
        f"join erased as e on e.identifier_type = '{identifier_type}' "
        f"and e.identifier_hash = md5({_NORMALISE[kind].format(c='t.' + column)})"
        for identifier_type, column, kind in target.columns]
    if target.tickets_of is not None:
        parts.extend(
            f"select e.deletion_request_id, t.rowid as row_id from {target.relation} as t "
            f"join {target.tickets_of} as k on t.ticket_id = k.id "
            f"join erased as e on e.identifier_type = '{identifier_type}' "
            f"and e.identifier_hash = md5({_NORMALISE[kind].format(c='k.' + column)})"
            for identifier_type, column, kind in _RECORD_COLUMNS["support_tickets"])
    return "\nunion all\n".join(parts)


def purge(database: Path, dry_run: bool = False, log: Path | None = None) -> list[dict]:
    """Delete (or, dry run, count) the raw rows of every erased person; returns one record per request and
    relation with the rows erased. Raises PurgeError when the warehouse has no erasure list."""
    if not Path(database).exists():
        raise PurgeError(f"no warehouse at {database}: load and build it first (make load build)")
    con = duckdb.connect(str(database), read_only=dry_run)
    try:
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'intermediate' and table_name = 'int_erased_identifiers'").fetchall()[0][0]
        if not found:
            raise PurgeError(f"{database} has no {ERASED_RELATION}: run `dbt build` first, then purge")
        con.execute(f"create temp table erased as select deletion_request_id, identifier_type, identifier_hash "
                    f"from {ERASED_RELATION}")
        plan = targets(con)
        records: list[dict] = []
        for target in plan:
            if not target.columns:
                continue
            rows = con.execute(f"""
                select deletion_request_id, count(distinct row_id)
                from ({_rows_by_request(target)}) as matched
                group by deletion_request_id
                order by deletion_request_id
            """).fetchall()
            records.extend({"deletion_request_id": rid, "relation": target.relation, "rows": n} for rid, n in rows)
        if not dry_run:
            con.execute("begin transaction")
            try:
                # comments first: they are found through the tickets about to go
                for target in sorted(plan, key=lambda t: t.tickets_of is None):
                    if target.columns:
                        condition = _matches(target, "erased") + _ticket_condition(target, "erased")
                        con.execute(f"delete from {target.relation} where {condition}")
                con.execute("commit")
            except Exception:
                con.execute("rollback")
                raise
            if log is not None:
                at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                log.parent.mkdir(parents=True, exist_ok=True)
                with log.open("a") as handle:
                    for record in records:
                        handle.write(json.dumps({"purged_at": at, **record}, sort_keys=True) + "\n")
        return records
    finally:
        con.close()
