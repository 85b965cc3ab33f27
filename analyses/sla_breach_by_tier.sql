{{ config(enabled=var('using_support') and var('using_product_db')) }}
-- Customer success: how often the support desk misses its SLA, per plan tier and priority of the SLA
-- policy that applied (first reply and any reply).
with

tickets as (

    select
        ticket_id,
        sla_plan_tier,
        sla_priority,
        is_first_reply_breached,
        is_sla_breached,
        first_reply_elapsed_minutes,
        first_reply_target_minutes
    from {{ ref('fct_support_ticket_slas') }}

),

final as (

    select
        sla_plan_tier,
        sla_priority,
        count(*) as tickets,
        sum(case when is_first_reply_breached then 1 else 0 end) as first_reply_breaches,
        sum(case when is_sla_breached then 1 else 0 end) as breached_tickets,
        avg(first_reply_elapsed_minutes) as avg_first_reply_minutes,
        min(first_reply_target_minutes) as first_reply_target_minutes
    from tickets
    group by sla_plan_tier, sla_priority

)

select
    sla_plan_tier,
    sla_priority,
    tickets,
    first_reply_breaches,
    breached_tickets,
    avg_first_reply_minutes,
    first_reply_target_minutes,
    1.0 * breached_tickets / nullif(tickets, 0) as breach_rate
from final
order by sla_plan_tier, sla_priority
