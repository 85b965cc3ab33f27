{#-
    One row per identifier in the identity graph, with the person it belongs to.

    Constrained label propagation, unrolled var gtm__identity_max_iterations times (the singular test
    assert_identity_graph_converged checks that one more step changes nothing):
    * a user_id is an anchor: it keeps its own label, so two user_ids never share a person;
    * any other identifier takes the label of the nearest anchor it is connected to through kept edges
      (ties: the smallest label); with no anchor in reach, the smallest label of its component, where
      labels sort by identifier priority (var gtm__identity_priority: email before CRM ids before
      anonymous ids).
    A state is one sortable string, so that `min` picks the winner on any engine:
        <0 anchored | 1 not> <3-digit hops to the anchor> <label = priority|type|value>
-#}
{%- set iterations = var('gtm__identity_max_iterations') -%}
{%- set string = dbt.type_string() -%}

with

edges as (

    select
        left_type,
        left_value,
        right_type,
        right_value,
        is_kept
    from {{ ref('int_identity_edges_filtered') }}

),

nodes as (

    select distinct
        node_type,
        node_value
    from (
        select
            left_type as node_type,
            left_value as node_value
        from edges
        union all
        select
            right_type as node_type,
            right_value as node_value
        from edges
    ) as ends

),

labelled_nodes as (

    select
        node_type,
        node_value,
        {{ gtm_warehouse.identity_label('node_type', 'node_value') }} as node_key,
        node_type = 'user_id' as is_anchor
    from nodes

),

-- who listens to whom: every node hears itself; a non-anchor also hears its kept neighbours
listeners as (

    select
        node_key as listener_key,
        node_key as speaker_key,
        true as is_self
    from labelled_nodes
    union all
    select
        listener.node_key as listener_key,
        speaker.node_key as speaker_key,
        false as is_self
    from edges
    inner join labelled_nodes as listener
        on edges.right_type = listener.node_type and edges.right_value = listener.node_value
    inner join labelled_nodes as speaker
        on edges.left_type = speaker.node_type and edges.left_value = speaker.node_value
    where edges.is_kept and not listener.is_anchor
    union all
    select
        listener.node_key as listener_key,
        speaker.node_key as speaker_key,
        false as is_self
    from edges
    inner join labelled_nodes as listener
        on edges.left_type = listener.node_type and edges.left_value = listener.node_value
    inner join labelled_nodes as speaker
        on edges.right_type = speaker.node_type and edges.right_value = speaker.node_value
    where edges.is_kept and not listener.is_anchor

),

state_0 as (

    select
        node_key,
        case when is_anchor then '0000' else '1000' end || node_key as state
    from labelled_nodes

),
{% for i in range(1, iterations + 1) %}
    state_{{ i }} as (

        select
            listeners.listener_key as node_key,
            min(
                case
                    when listeners.is_self or substr(heard.state, 1, 1) = '1' then heard.state
                    else '0'
                        || lpad(cast(cast(substr(heard.state, 2, 3) as integer) + 1 as {{ string }}), 3, '0')
                        || substr(heard.state, 5)
                end
            ) as state
        from listeners
        inner join state_{{ i - 1 }} as heard
            on listeners.speaker_key = heard.node_key
        group by listeners.listener_key

    ),
{% endfor %}
final as (

    select
        labelled_nodes.node_type as identifier_type,
        labelled_nodes.node_value as identifier_value,
        {{ gtm_warehouse.person_id_from_label('substr(resolved.state, 5)') }} as person_id,
        substr(resolved.state, 5) as person_label,
        substr(resolved.state, 1, 1) = '0' as is_anchored,
        cast(substr(resolved.state, 2, 3) as integer) as hops_to_anchor,
        labelled_nodes.node_key,
        resolved.state as graph_state
    from labelled_nodes
    inner join state_{{ iterations }} as resolved
        on labelled_nodes.node_key = resolved.node_key

)

select * from final
