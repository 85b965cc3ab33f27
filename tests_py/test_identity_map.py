"""The public identity map (marts.dim_person_identifiers) on the shared 60k warehouse: it agrees with the
identity graph and the events, matches the truth as well as the graph does, and explains merge protection."""
from __future__ import annotations

import pytest

from gtm_warehouse import truth


@pytest.fixture(scope="module")
def con(built_warehouse):
    connection = truth.connect(built_warehouse["database"], built_warehouse["truth"])
    yield connection
    connection.close()


def _one(con, sql: str):
    return con.execute(sql).fetchall()[0][0]


def test_map_matches_the_truth_like_the_graph(con):
    figures = truth.identity_map_figures(con)
    graph = truth.identity_figures(con)
    for name, value in figures.items():
        print(f"{name}: {value}")
    # the map adds only identifiers nothing linked (singletons): no wrong merge beyond the graph's
    assert figures["identity_map_pairwise_precision"] == pytest.approx(graph["identity_pairwise_precision"])
    assert figures["identity_map_identifiers_compared"] > graph["identity_identifiers_compared"]
    assert figures["identity_map_user_id_coverage"] == 1.0
    assert figures["identity_map_anonymous_id_coverage"] == 1.0
    assert figures["identity_map_event_person_mismatches"] == 0


def test_map_holds_the_graph_and_every_event_identifier(con):
    assert _one(con, """
        select count(*) from intermediate.int_identities_stitched as s
        left join marts.dim_person_identifiers as m using (identifier_type, identifier_value)
        where m.person_id is distinct from s.person_id""") == 0
    assert _one(con, """
        select count(*) from (
            select 'anonymous_id' as identifier_type, anonymous_id as identifier_value
            from marts.fct_events where anonymous_id is not null
            union
            select 'user_id', user_id from marts.fct_events where user_id is not null
        ) as e
        left join marts.dim_person_identifiers as m using (identifier_type, identifier_value)
        where m.person_id is null""") == 0


def test_links_are_kept_edges_one_hop_closer_to_the_anchor(con):
    linked = _one(con, "select count(*) from marts.dim_person_identifiers where linked_through_value is not null")
    assert linked > 0
    assert _one(con, """
        select count(*) from marts.dim_person_identifiers as m
        join marts.dim_person_identifiers as next
            on m.linked_through_type = next.identifier_type and m.linked_through_value = next.identifier_value
        join intermediate.int_identity_edges_filtered as e
            on e.is_kept and (
                (e.left_type = m.identifier_type and e.left_value = m.identifier_value
                    and e.right_type = next.identifier_type and e.right_value = next.identifier_value)
                or (e.right_type = m.identifier_type and e.right_value = m.identifier_value
                    and e.left_type = next.identifier_type and e.left_value = next.identifier_value))
        where next.person_id = m.person_id
            and (m.link_status != 'linked_to_anchor' or next.hops_to_anchor = m.hops_to_anchor - 1)
            and m.linked_through_evidence is not null""") == linked


def test_merge_protection_is_explained(con):
    """Identifiers the graph cut as shared are flagged with the graph's reason, and they are their own person."""
    shared_in_graph = _one(con, """
        select count(*) from (
            select left_type, left_value, left_shared_reason from intermediate.int_identity_edges_filtered
            where left_shared_reason is not null
            union
            select right_type, right_value, right_shared_reason from intermediate.int_identity_edges_filtered
            where right_shared_reason is not null)""")
    flagged = _one(con, """select count(*) from marts.dim_person_identifiers
        where merge_protection_reason like 'shared%'""")
    assert flagged == shared_in_graph
    assert _one(con, """select count(*) from marts.dim_person_identifiers
        where merge_protection_reason like 'shared%' and link_status not in ('unlinked', 'anchor')""") == 0
