{#- One row per queued ticket: the update the support desk (Zendesk) receives, as the Segment recipe
    does: the priority to set (escalated by sla_priorities.priority_on_breach when its SLA is breached)
    and the SLA tags (plan tier at creation, SLA state, the policy's hours). -#}
{{ config(enabled=var('using_support') and var('using_product_db')) }}

with

queue as (

    select
        ticket_id,
        sla_priority,
        sla_plan_tier,
        next_sla_metric,
        next_sla_due_at,
        is_sla_breached,
        queue_position
    from {{ ref('rpt_support_queue') }}

),

tickets as (

    select
        ticket_id,
        priority,
        first_reply_uses_business_hours
    from {{ ref('fct_support_ticket_slas') }}

),

priorities as (

    select
        priority,
        priority_on_breach
    from {{ ref('sla_priorities') }}

),

final as (

    select
        queue.ticket_id,
        tickets.priority as current_priority,
        case when queue.is_sla_breached then priorities.priority_on_breach else queue.sla_priority end as priority,
        {{ dbt.concat([
            "'sla_tier_'", "queue.sla_plan_tier",
            "case when queue.is_sla_breached then ' sla_breached' when queue.next_sla_metric is not null then ' sla_running' else ' sla_met' end",
            "case when tickets.first_reply_uses_business_hours then ' sla_business_hours' else ' sla_calendar_hours' end",
        ]) }} as sla_tags,
        queue.next_sla_due_at as sla_due_at,
        queue.queue_position
    from queue
    inner join tickets on queue.ticket_id = tickets.ticket_id
    left join priorities on queue.sla_priority = priorities.priority

)

select * from final
