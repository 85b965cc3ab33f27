{#- One row per identifier in the identity graph, with the person it belongs to: constrained label
    propagation over the kept edges (macros/identity_graph.sql, identity_stitch_ctes). -#}
with
{{ gtm_warehouse.identity_stitch_ctes('', ref('int_identity_edges_filtered')) }}

final as (

    select
        identifier_type,
        identifier_value,
        person_id,
        person_label,
        is_anchored,
        hops_to_anchor,
        node_key,
        graph_state
    from identities_stitched

)

select * from final
