{#- Pairs of identifiers seen together, one row per pair and evidence source (macros/identity_graph.sql).
    Segment calls link anonymous_id, user_id and email; forms link the visitor to the email typed in;
    the product database, CRM, support desk and survey tool link their own ids to emails and user ids.
    Soft-deleted CRM records link nobody, and rows that hold an identifier of a person who asked to be
    forgotten (int_erased_identifiers) are left out whole: the graph is built as if they never existed. -#}
with

erased_identifiers as (

    select
        identifier_type,
        identifier_hash
    from {{ ref('int_erased_identifiers') }}

),
{{ gtm_warehouse.identity_edge_ctes('', 'erased_identifiers') }}

final as (

    select
        left_type,
        left_value,
        right_type,
        right_value,
        evidence_source,
        first_seen_at,
        last_seen_at,
        observations
    from edges_unioned

)

select * from final
