{#- One row per distinct pair of identifiers, with the merge-protection verdict.
    An edge is dropped when either end is a shared identifier (a kiosk browser or a support agent's
    laptop: linked to more user_ids, or an anonymous_id to more emails, than the vars allow), or when a
    user_id already has its quota of anonymous_ids or emails (the earliest seen are kept). -#}
{%- set left_priority = gtm_warehouse.identifier_priority('left_type') -%}
{%- set right_priority = gtm_warehouse.identifier_priority('right_type') -%}
{%- set left_first -%}
    ({{ left_priority }} < {{ right_priority }} or ({{ left_priority }} = {{ right_priority }} and left_value <= right_value))
{%- endset -%}

with

unioned as (

    select * from {{ ref('int_identity_edges_unioned') }}

),

oriented as (

    -- the higher-priority identifier (var gtm__identity_priority) on the left, so that a pair seen in
    -- both orders is one edge and user_id edges always have the user_id on the left
    select
        case when {{ left_first }} then left_type else right_type end as left_type,
        case when {{ left_first }} then left_value else right_value end as left_value,
        case when {{ left_first }} then right_type else left_type end as right_type,
        case when {{ left_first }} then right_value else left_value end as right_value,
        first_seen_at,
        last_seen_at,
        observations
    from unioned

),

edges as (

    select
        left_type,
        left_value,
        right_type,
        right_value,
        min(first_seen_at) as first_seen_at,
        max(last_seen_at) as last_seen_at,
        sum(observations) as observations
    from oriented
    group by left_type, left_value, right_type, right_value

),

directed as (

    select
        left_type as node_type,
        left_value as node_value,
        right_type as other_type,
        right_value as other_value,
        first_seen_at
    from edges
    union all
    select
        right_type as node_type,
        right_value as node_value,
        left_type as other_type,
        left_value as other_value,
        first_seen_at
    from edges

),

node_links as (

    select
        node_type,
        node_value,
        count(distinct case when other_type = 'user_id' then other_value end) as linked_user_ids,
        count(distinct case when other_type = 'email' then other_value end) as linked_emails
    from directed
    group by node_type, node_value

),

shared_nodes as (

    select
        node_type,
        node_value,
        case
            when node_type != 'user_id'
                and linked_user_ids > {{ var('gtm__identity_max_user_ids_per_identifier') }}
                then 'shared_identifier_many_user_ids'
            when node_type = 'anonymous_id'
                and linked_emails > {{ var('gtm__identity_max_emails_per_anonymous_id') }}
                then 'shared_identifier_many_emails'
        end as shared_reason
    from node_links

),

user_quota as (

    select
        node_value as user_id,
        other_type,
        other_value,
        row_number() over (
            partition by node_value, other_type
            order by first_seen_at, other_value
        ) as link_rank
    from directed
    where node_type = 'user_id' and other_type in ('anonymous_id', 'email')

),

judged as (

    select
        edges.left_type,
        edges.left_value,
        edges.right_type,
        edges.right_value,
        edges.first_seen_at,
        edges.last_seen_at,
        edges.observations,
        coalesce(left_shared.shared_reason, right_shared.shared_reason) as shared_reason,
        case edges.right_type
            when 'anonymous_id' then user_quota.link_rank > {{ var('gtm__identity_max_anonymous_ids_per_user') }}
            when 'email' then user_quota.link_rank > {{ var('gtm__identity_max_emails_per_user') }}
            else false
        end as is_over_user_quota
    from edges
    left join shared_nodes as left_shared
        on edges.left_type = left_shared.node_type and edges.left_value = left_shared.node_value
    left join shared_nodes as right_shared
        on edges.right_type = right_shared.node_type and edges.right_value = right_shared.node_value
    left join user_quota
        on
            edges.left_type = 'user_id'
            and edges.left_value = user_quota.user_id
            and edges.right_type = user_quota.other_type
            and edges.right_value = user_quota.other_value

),

final as (

    select
        left_type,
        left_value,
        right_type,
        right_value,
        first_seen_at,
        last_seen_at,
        observations,
        shared_reason is null and not coalesce(is_over_user_quota, false) as is_kept,
        case
            when shared_reason is not null then shared_reason
            when is_over_user_quota then 'over_user_quota'
        end as drop_reason
    from judged

)

select * from final
