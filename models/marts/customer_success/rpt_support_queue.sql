{#- One row per ticket in the support queue (status in var gtm__sla_queue_statuses): the SLA clock the
    desk must answer next (its unanswered clock with the earliest due_at) and the queue order: earliest
    due first, then higher priority, higher tier, older ticket, ticket id. A queued ticket with no
    running clock (answered, waiting on the customer) comes after all running ones. -#}
{{ config(enabled=var('using_support') and var('using_product_db')) }}
{%- set queue_statuses = "'" ~ var('gtm__sla_queue_statuses') | join("', '") ~ "'" -%}

with

tickets as (

    select
        ticket_id,
        account_id,
        ticket_status,
        sla_priority,
        sla_plan_tier,
        created_at
    from {{ ref('fct_support_ticket_slas') }}
    where ticket_status in ({{ queue_statuses }})

),

clocks as (

    select
        ticket_id,
        sla_metric,
        clock_number,
        due_at,
        is_breached
    from {{ ref('int_ticket_sla_clocks_measured') }}
    where fulfilled_at is null and sla_status in ('active', 'breached')

),

priorities as (

    select
        priority,
        priority_rank
    from {{ ref('sla_priorities') }}

),

plan_tiers as (

    select
        plan_tier,
        tier_rank
    from {{ ref('plan_tiers') }}

),

next_clock as (

    select
        ticket_id,
        sla_metric,
        due_at,
        is_breached,
        row_number() over (partition by ticket_id order by due_at, sla_metric, clock_number) as clock_rank
    from clocks

),

queued as (

    select
        tickets.ticket_id,
        tickets.account_id,
        tickets.ticket_status,
        tickets.sla_priority,
        tickets.sla_plan_tier,
        tickets.created_at,
        next_clock.sla_metric as next_sla_metric,
        next_clock.due_at as next_sla_due_at,
        coalesce(next_clock.is_breached, false) as is_sla_breached,
        row_number() over (
            order by
                case when next_clock.due_at is null then 1 else 0 end asc,
                next_clock.due_at asc,
                priorities.priority_rank desc,
                plan_tiers.tier_rank desc,
                tickets.created_at asc,
                tickets.ticket_id asc
        ) as queue_position
    from tickets
    left join next_clock on tickets.ticket_id = next_clock.ticket_id and next_clock.clock_rank = 1
    left join priorities on tickets.sla_priority = priorities.priority
    left join plan_tiers on tickets.sla_plan_tier = plan_tiers.plan_tier

),

final as (

    select
        queue_position,
        ticket_id,
        account_id,
        ticket_status,
        sla_priority,
        sla_plan_tier,
        next_sla_metric,
        next_sla_due_at,
        is_sla_breached,
        created_at
    from queued

)

select * from final
