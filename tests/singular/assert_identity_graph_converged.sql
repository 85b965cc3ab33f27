-- The identity graph's label propagation ran to convergence: one more step changes no identifier's
-- state. Fails with the identifiers that would still change (raise var gtm__identity_max_iterations).
with

stitched as (

    select
        node_key,
        identifier_type,
        graph_state
    from {{ ref('int_identities_stitched') }}

),

kept_edges as (

    select
        left_node.node_key as left_key,
        right_node.node_key as right_key
    from {{ ref('int_identity_edges_filtered') }} as edges
    inner join stitched as left_node
        on {{ gtm_warehouse.identity_label('edges.left_type', 'edges.left_value') }} = left_node.node_key
    inner join stitched as right_node
        on {{ gtm_warehouse.identity_label('edges.right_type', 'edges.right_value') }} = right_node.node_key
    where edges.is_kept

),

heard as (

    select
        kept_edges.right_key as node_key,
        speaker.graph_state as state
    from kept_edges
    inner join stitched as speaker on kept_edges.left_key = speaker.node_key
    union all
    select
        kept_edges.left_key as node_key,
        speaker.graph_state as state
    from kept_edges
    inner join stitched as speaker on kept_edges.right_key = speaker.node_key

),

next_step as (

    select
        heard.node_key,
        min(
            case
                when substr(heard.state, 1, 1) = '1' then heard.state
                else '0'
                    || lpad(cast(cast(substr(heard.state, 2, 3) as integer) + 1 as {{ dbt.type_string() }}), 3, '0')
                    || substr(heard.state, 5)
            end
        ) as best_heard
    from heard
    group by heard.node_key

)

select
    stitched.node_key,
    stitched.graph_state,
    next_step.best_heard
from stitched
inner join next_step on stitched.node_key = next_step.node_key
where stitched.identifier_type != 'user_id' and next_step.best_heard < stitched.graph_state
