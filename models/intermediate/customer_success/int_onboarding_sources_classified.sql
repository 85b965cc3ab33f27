{#- One row per data source of a workspace (removed sources excluded), with its activity status at the
    customer-success reference time (macro cs_reference_time): active_24h (last event within
    gtm__source_active_hours), active_7d (within gtm__source_recent_days), inactive (older data) or
    never_active (no event ever), and whether it was added in the workspace's first gtm__onboarding_days. -#}
{{ config(enabled=var('using_product_db')) }}

with

sources as (

    select
        source_id,
        workspace_id,
        source_type,
        source_name,
        created_at,
        first_event_at,
        last_event_at
    from {{ ref('stg_product__sources') }}
    where not is_deleted

),

workspaces as (

    select
        workspace_id,
        created_at
    from {{ ref('stg_product__workspaces') }}

),

accounts as (

    select
        account_id,
        workspace_id
    from {{ ref('int_accounts_unified') }}
    where workspace_id is not null

),

reference_time as (

    {{ gtm_warehouse.cs_reference_time() }}

),

classified as (

    select
        sources.source_id,
        accounts.account_id,
        sources.workspace_id,
        sources.source_type,
        sources.source_name,
        sources.created_at,
        sources.first_event_at,
        sources.last_event_at,
        workspaces.created_at as workspace_created_at,
        reference_time.as_of_at,
        coalesce(
            sources.created_at
            < {{ gtm_warehouse.timestamp_add('day', var('gtm__onboarding_days'), 'workspaces.created_at') }},
            false
        ) as is_added_during_onboarding,
        case
            when sources.last_event_at is null then 'never_active'
            when
                sources.last_event_at
                >= {{ gtm_warehouse.timestamp_add(
                    'hour', -1 * var('gtm__source_active_hours'), 'reference_time.as_of_at'
                ) }}
                then 'active_24h'
            when
                sources.last_event_at
                >= {{ gtm_warehouse.timestamp_add(
                    'day', -1 * var('gtm__source_recent_days'), 'reference_time.as_of_at'
                ) }}
                then 'active_7d'
            else 'inactive'
        end as activity_status
    from sources
    cross join reference_time
    left join workspaces on sources.workspace_id = workspaces.workspace_id
    left join accounts on sources.workspace_id = accounts.workspace_id

),

final as (

    select
        source_id,
        account_id,
        workspace_id,
        source_type,
        source_name,
        created_at,
        first_event_at,
        last_event_at,
        workspace_created_at,
        as_of_at,
        is_added_during_onboarding,
        activity_status,
        activity_status in ('active_24h', 'active_7d') as is_active
    from classified

)

select * from final
