"""Foundation IV on generated data (the shared 60k warehouse): one account per company although 30% of
the CRM accounts lack the workspace id field, staff out of the customer marts, soft-deleted records out of
the graph, deletion requests applied everywhere downstream."""
from __future__ import annotations

import duckdb
import pytest

from gtm_warehouse import truth
from gtm_warehouse.generator.tables import N_AGENTS, N_SUPPORT_ADMINS, STAFF_USERS


@pytest.fixture(scope="module")
def figures(built_warehouse):
    con = truth.connect(built_warehouse["database"], built_warehouse["truth"])
    try:
        result = truth.foundation_figures(con)
    finally:
        con.close()
    for name, value in result.items():
        print(f"{name}: {value}")
    return result


def _one(built_warehouse, sql: str):
    con = duckdb.connect(str(built_warehouse["database"]), read_only=True)
    try:
        return con.execute(sql).fetchall()[0][0]
    finally:
        con.close()


def test_one_account_per_company_and_opportunities_on_it(figures, built_warehouse):
    # the case is there: CRM accounts without the workspace field that resolved to a workspace by evidence
    merged = _one(built_warehouse, """
        select count(*) from intermediate.int_crm_accounts_resolved as r
        join staging.stg_crm__accounts as a on r.crm_account_id = a.account_id
        where a.workspace_id is null and r.workspace_id is not null
    """)
    assert merged > 0
    assert figures["accounts_duplicate"] == 0
    assert figures["accounts_duplicate_domains"] == 0
    assert figures["opportunities_on_wrong_account"] == 0


def test_staff_are_recognised_and_out_of_customer_marts(figures, built_warehouse):
    internal = _one(built_warehouse, "select count(*) from marts.dim_internal_people")
    assert internal == N_AGENTS + N_SUPPORT_ADMINS + len(STAFF_USERS)
    assert figures["staff_people_in_customer_marts"] == 0


def test_soft_deleted_records_are_out_of_the_graph(figures, built_warehouse):
    assert _one(built_warehouse, "select count(*) from raw.crm_leads where is_deleted") > 0
    assert figures["soft_deleted_records_in_graph"] == 0


def test_deleted_people_are_gone_downstream(figures):
    assert figures["deleted_people_identifiers_expected_erased"] > 0
    assert figures["deleted_people_rows_remaining"] == 0
