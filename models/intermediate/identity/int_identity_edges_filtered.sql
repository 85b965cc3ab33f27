{#- One row per distinct pair of identifiers, with the merge-protection verdict (macros/identity_graph.sql):
    an edge is dropped when either end is a shared identifier (a kiosk browser or a support agent's
    laptop: linked to more user_ids, or an anonymous_id to more emails, than the vars allow), or when a
    user_id already has its quota of anonymous_ids or emails (the earliest seen are kept). -#}
with
{{ gtm_warehouse.identity_filter_ctes('', ref('int_identity_edges_unioned')) }}

final as (

    select
        left_type,
        left_value,
        right_type,
        right_value,
        first_seen_at,
        last_seen_at,
        observations,
        is_kept,
        drop_reason,
        left_shared_reason,
        right_shared_reason
    from edges_filtered

)

select * from final
