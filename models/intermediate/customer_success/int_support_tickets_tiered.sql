{#- One row per support ticket: the account it belongs to (ticket organization, else the requester's
    organization), the plan tier active when the ticket was CREATED (dim_account_plan_periods; later tier
    changes do not move its SLA) and the priority its SLA policy uses. Nothing is dropped: a ticket with an
    unknown organization or requester, or whose workspace had no subscription, gets the fallback tier
    (var gtm__sla_fallback_plan_tier) and says why in sla_tier_source. -#}
{{ config(enabled=var('using_support') and var('using_product_db')) }}

with

tickets as (

    select
        ticket_id,
        requester_id,
        organization_id,
        assignee_id,
        subject,
        ticket_status,
        priority,
        created_at,
        updated_at
    from {{ ref('stg_support__tickets') }}
    -- an erased requester's tickets leave here (right to erasure: int_erased_identifiers)
    where {{ gtm_warehouse.not_erased([['support_user_id', 'requester_id']], ref('int_erased_identifiers')) }}

),

support_users as (

    select
        support_user_id,
        organization_id
    from {{ ref('stg_support__users') }}

),

organizations as (

    select
        organization_id,
        workspace_id
    from {{ ref('stg_support__organizations') }}

),

accounts as (

    select
        account_id,
        workspace_id
    from {{ ref('dim_accounts') }}
    where workspace_id is not null

),

plan_periods as (

    select
        subscription_id,
        account_id,
        plan_tier,
        tier_rank,
        valid_from,
        valid_to
    from {{ ref('dim_account_plan_periods') }}

),

tickets_organized as (

    select
        tickets.ticket_id,
        tickets.requester_id,
        tickets.organization_id,
        tickets.assignee_id,
        tickets.subject,
        tickets.ticket_status,
        tickets.priority,
        tickets.created_at,
        tickets.updated_at,
        support_users.support_user_id is not null as is_requester_known,
        ticket_orgs.organization_id is not null as is_organization_known,
        case
            when ticket_orgs.workspace_id is not null then 'ticket_organization'
            when requester_orgs.workspace_id is not null then 'requester_organization'
        end as account_source,
        coalesce(ticket_orgs.workspace_id, requester_orgs.workspace_id) as workspace_id
    from tickets
    left join support_users on tickets.requester_id = support_users.support_user_id
    left join organizations as ticket_orgs on tickets.organization_id = ticket_orgs.organization_id
    left join organizations as requester_orgs on support_users.organization_id = requester_orgs.organization_id

),

tickets_accounted as (

    select
        tickets_organized.*,
        accounts.account_id
    from tickets_organized
    left join accounts on tickets_organized.workspace_id = accounts.workspace_id

),

-- the plan at creation: valid_from <= created_at < valid_to; overlapping periods: the highest tier wins
plan_at_creation as (

    select
        tickets_accounted.ticket_id,
        plan_periods.plan_tier,
        row_number() over (
            partition by tickets_accounted.ticket_id
            order by plan_periods.tier_rank desc, plan_periods.valid_from desc, plan_periods.subscription_id asc
        ) as plan_rank
    from tickets_accounted
    inner join plan_periods
        on
            tickets_accounted.account_id = plan_periods.account_id
            and tickets_accounted.created_at >= plan_periods.valid_from
            and (plan_periods.valid_to is null or tickets_accounted.created_at < plan_periods.valid_to)

),

final as (

    select
        tickets_accounted.ticket_id,
        tickets_accounted.requester_id,
        tickets_accounted.organization_id,
        tickets_accounted.assignee_id,
        tickets_accounted.account_id,
        tickets_accounted.workspace_id,
        tickets_accounted.subject,
        tickets_accounted.ticket_status,
        tickets_accounted.priority,
        coalesce(tickets_accounted.priority, '{{ var("gtm__sla_fallback_priority") }}') as sla_priority,
        plan_at_creation.plan_tier as plan_tier_at_creation,
        coalesce(plan_at_creation.plan_tier, '{{ var("gtm__sla_fallback_plan_tier") }}') as sla_plan_tier,
        case
            when plan_at_creation.plan_tier is not null then 'plan_at_creation'
            when tickets_accounted.account_id is not null then 'fallback_no_subscription'
            else 'fallback_no_account'
        end as sla_tier_source,
        coalesce(tickets_accounted.account_source, 'unresolved') as account_source,
        tickets_accounted.is_requester_known,
        tickets_accounted.is_organization_known,
        tickets_accounted.created_at,
        tickets_accounted.updated_at
    from tickets_accounted
    left join plan_at_creation
        on tickets_accounted.ticket_id = plan_at_creation.ticket_id and plan_at_creation.plan_rank = 1

)

select * from final
