{#- One row per product workspace: its onboarding (first gtm__onboarding_days days) at the reference time.
    Sources added and how many are active, the technical or non-technical path from the members' roles,
    the onboarding state, the next recommended step and its documentation link (seed
    onboarding_next_step_rules), activation and time to activation. A workspace without any subscription
    is kept, with plan_tier 'no_subscription' and has_subscription false. -#}
{{ config(enabled=var('using_product_db')) }}

with

workspaces as (

    select
        workspace_id,
        workspace_name,
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

sources as (

    select
        source_id,
        workspace_id,
        source_type,
        created_at,
        first_event_at,
        is_added_during_onboarding,
        activity_status,
        is_active
    from {{ ref('int_onboarding_sources_classified') }}

),

destinations as (

    select
        workspace_id,
        created_at
    from {{ ref('stg_product__destinations') }}
    where coalesce(is_enabled, false) and not is_deleted

),

members as (

    select
        workspace_id,
        user_id
    from {{ ref('stg_product__workspace_users') }}
    -- an erased person's memberships leave here (right to erasure: int_erased_identifiers)
    where not is_removed and {{ gtm_warehouse.not_erased([['user_id', 'user_id']], ref('int_erased_identifiers')) }}

),

people as (

    select
        user_id,
        persona
    from {{ ref('dim_people') }}
    where user_id is not null

),

plan_periods as (

    select
        workspace_id,
        plan_tier,
        valid_from
    from {{ ref('dim_account_plan_periods') }}
    where is_current

),

rules as (

    select
        priority,
        onboarding_state,
        path,
        source_type,
        next_step,
        doc_url
    from {{ ref('onboarding_next_step_rules') }}

),

reference_time as (

    {{ gtm_warehouse.cs_reference_time() }}

),

source_counts as (

    select
        workspace_id,
        count(*) as sources_total,
        sum(case when is_added_during_onboarding then 1 else 0 end) as sources_added_during_onboarding,
        sum(case when activity_status = 'active_24h' then 1 else 0 end) as sources_active_24h,
        sum(case when activity_status = 'active_7d' then 1 else 0 end) as sources_active_7d,
        sum(case when not is_active then 1 else 0 end) as sources_inactive,
        min(first_event_at) as first_data_at
    from sources
    group by workspace_id

),

inactive_sources_ranked as (

    select
        workspace_id,
        source_id,
        source_type,
        row_number() over (partition by workspace_id order by created_at, source_id) as inactive_rank
    from sources
    where not is_active

),

destination_counts as (

    select
        workspace_id,
        count(*) as destinations_enabled,
        min(created_at) as first_destination_at
    from destinations
    group by workspace_id

),

member_paths as (

    select
        members.workspace_id,
        count(*) as members,
        sum(case when people.persona is not null then 1 else 0 end) as members_with_roles,
        sum(case when people.persona = 'technical' then 1 else 0 end) as technical_members
    from members
    left join people on members.user_id = people.user_id
    group by members.workspace_id

),

current_plans as (

    -- one current period per workspace; ties (bad input) resolved by the latest start
    select
        workspace_id,
        plan_tier,
        row_number() over (partition by workspace_id order by valid_from desc, plan_tier asc) as period_rank
    from plan_periods

),

workspace_state as (

    select
        workspaces.workspace_id,
        accounts.account_id,
        workspaces.workspace_name,
        workspaces.created_at,
        reference_time.as_of_at,
        {{ gtm_warehouse.timestamp_add('day', var('gtm__onboarding_days'), 'workspaces.created_at') }}
            as onboarding_ends_at,
        current_plans.workspace_id is not null as has_subscription,
        coalesce(current_plans.plan_tier, 'no_subscription') as plan_tier,
        coalesce(source_counts.sources_total, 0) as sources_total,
        coalesce(source_counts.sources_added_during_onboarding, 0) as sources_added_during_onboarding,
        coalesce(source_counts.sources_active_24h, 0) as sources_active_24h,
        coalesce(source_counts.sources_active_7d, 0) as sources_active_7d,
        coalesce(source_counts.sources_inactive, 0) as sources_inactive,
        coalesce(destination_counts.destinations_enabled, 0) as destinations_enabled,
        coalesce(member_paths.members, 0) as members,
        coalesce(member_paths.members_with_roles, 0) as members_with_roles,
        coalesce(member_paths.technical_members, 0) as technical_members,
        inactive_sources_ranked.source_id as inactive_source_id,
        inactive_sources_ranked.source_type as inactive_source_type,
        source_counts.first_data_at,
        destination_counts.first_destination_at
    from workspaces
    cross join reference_time
    left join accounts on workspaces.workspace_id = accounts.workspace_id
    left join source_counts on workspaces.workspace_id = source_counts.workspace_id
    left join destination_counts on workspaces.workspace_id = destination_counts.workspace_id
    left join member_paths on workspaces.workspace_id = member_paths.workspace_id
    left join current_plans
        on workspaces.workspace_id = current_plans.workspace_id and current_plans.period_rank = 1
    left join inactive_sources_ranked
        on workspaces.workspace_id = inactive_sources_ranked.workspace_id and inactive_sources_ranked.inactive_rank = 1

),

workspace_classified as (

    select
        *,
        case
            when
                members_with_roles > 0
                and technical_members >= {{ var('gtm__onboarding_technical_share') }} * members_with_roles
                then 'technical'
            else 'non-technical'
        end as onboarding_path,
        case
            when first_data_at is not null and first_destination_at is not null
                then case
                        when first_data_at > first_destination_at then first_data_at
                        else first_destination_at
                    end
        end as activated_at,
        case
            when sources_total = 0 then 'no_source'
            when sources_inactive > 0 then 'source_inactive'
            when destinations_enabled = 0 then 'no_destination'
            else 'activated'
        end as onboarding_state
    from workspace_state

),

rules_matched as (

    select
        workspace_classified.workspace_id,
        rules.next_step,
        rules.doc_url,
        row_number() over (
            partition by workspace_classified.workspace_id order by rules.priority
        ) as rule_rank
    from workspace_classified
    inner join rules
        on
            workspace_classified.onboarding_state = rules.onboarding_state
            and (coalesce(rules.path, '') = '' or workspace_classified.onboarding_path = rules.path)
            and (
                coalesce(rules.source_type, '') = ''
                or workspace_classified.inactive_source_type = rules.source_type
            )

),

final as (

    select
        workspace_classified.workspace_id,
        workspace_classified.account_id,
        workspace_classified.workspace_name,
        workspace_classified.plan_tier,
        workspace_classified.has_subscription,
        workspace_classified.created_at,
        workspace_classified.onboarding_ends_at,
        workspace_classified.as_of_at,
        workspace_classified.sources_total,
        workspace_classified.sources_added_during_onboarding,
        workspace_classified.sources_active_24h,
        workspace_classified.sources_active_7d,
        workspace_classified.sources_inactive,
        workspace_classified.destinations_enabled,
        workspace_classified.members,
        workspace_classified.members_with_roles,
        workspace_classified.technical_members,
        workspace_classified.onboarding_path,
        workspace_classified.onboarding_state,
        workspace_classified.inactive_source_id,
        workspace_classified.inactive_source_type,
        rules_matched.next_step,
        rules_matched.doc_url as next_step_doc_url,
        workspace_classified.activated_at,
        workspace_classified.as_of_at < workspace_classified.onboarding_ends_at as is_onboarding,
        workspace_classified.members_with_roles = 0 as is_path_defaulted,
        workspace_classified.activated_at is not null as is_activated,
        coalesce(
            workspace_classified.activated_at < workspace_classified.onboarding_ends_at, false
        ) as is_activated_during_onboarding,
        cast(
            {{ gtm_warehouse.epoch_microseconds('workspace_classified.activated_at') }}
            - {{ gtm_warehouse.epoch_microseconds('workspace_classified.created_at') }}
            as double
        ) / 3600000000 as hours_to_activation
    from workspace_classified
    left join rules_matched
        on workspace_classified.workspace_id = rules_matched.workspace_id and rules_matched.rule_rank = 1

)

select * from final
