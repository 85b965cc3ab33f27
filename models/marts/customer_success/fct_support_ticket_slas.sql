{#- One row per support ticket with its SLA: plan tier at creation and why, the first-reply clock
    (due_at, first public agent response, elapsed minutes, breach) and a summary of its next-reply clocks.
    Every staged ticket is here, including those of unknown requesters or organizations (flagged). -#}
{{ config(enabled=var('using_support') and var('using_product_db')) }}

with

tickets as (

    select
        ticket_id,
        account_id,
        workspace_id,
        requester_id,
        organization_id,
        assignee_id,
        ticket_status,
        priority,
        sla_priority,
        plan_tier_at_creation,
        sla_plan_tier,
        sla_tier_source,
        account_source,
        is_requester_known,
        is_organization_known,
        created_at,
        updated_at
    from {{ ref('int_support_tickets_tiered') }}

),

clocks as (

    select
        ticket_id,
        sla_metric,
        target_minutes,
        uses_business_hours,
        due_at,
        fulfilled_at,
        elapsed_minutes,
        is_breached,
        sla_status
    from {{ ref('int_ticket_sla_clocks_measured') }}

),

comments as (

    select
        ticket_id,
        is_before_ticket_created
    from {{ ref('int_ticket_comments_classified') }}

),

clock_errors as (

    select
        ticket_id,
        count(*) as comments_before_creation
    from comments
    where is_before_ticket_created
    group by ticket_id

),

next_replies as (

    select
        ticket_id,
        count(*) as next_reply_clocks,
        cast(sum(case when is_breached then 1 else 0 end) as {{ dbt.type_bigint() }}) as next_reply_breaches
    from clocks
    where sla_metric = 'next_reply_time'
    group by ticket_id

),

first_replies as (

    select
        ticket_id,
        target_minutes,
        uses_business_hours,
        due_at,
        fulfilled_at,
        elapsed_minutes,
        is_breached,
        sla_status
    from clocks
    where sla_metric = 'first_reply_time'

),

final as (

    select
        tickets.ticket_id,
        tickets.account_id,
        tickets.workspace_id,
        tickets.requester_id,
        tickets.organization_id,
        tickets.assignee_id,
        tickets.ticket_status,
        tickets.priority,
        tickets.sla_priority,
        tickets.plan_tier_at_creation,
        tickets.sla_plan_tier,
        tickets.sla_tier_source,
        tickets.account_source,
        tickets.is_requester_known,
        tickets.is_organization_known,
        tickets.created_at,
        tickets.updated_at,
        first_replies.target_minutes as first_reply_target_minutes,
        first_replies.uses_business_hours as first_reply_uses_business_hours,
        first_replies.due_at as first_reply_due_at,
        first_replies.fulfilled_at as first_agent_response_at,
        first_replies.elapsed_minutes as first_reply_elapsed_minutes,
        first_replies.is_breached as is_first_reply_breached,
        first_replies.sla_status as first_reply_sla_status,
        coalesce(next_replies.next_reply_clocks, 0) as next_reply_clocks,
        coalesce(next_replies.next_reply_breaches, 0) as next_reply_breaches,
        coalesce(clock_errors.comments_before_creation, 0) as comments_before_creation,
        first_replies.is_breached or coalesce(next_replies.next_reply_breaches, 0) > 0 as is_sla_breached
    from tickets
    inner join first_replies on tickets.ticket_id = first_replies.ticket_id
    left join next_replies on tickets.ticket_id = next_replies.ticket_id
    left join clock_errors on tickets.ticket_id = clock_errors.ticket_id

)

select * from final
