{#- The support queue answers the earliest due clock first: a ticket with a running clock is never
    queued after one whose clock is due later, and tickets without a running clock come last. -#}
{{ config(enabled=var('using_support') and var('using_product_db')) }}

with

queue as (

    select
        queue_position,
        next_sla_due_at,
        lead(next_sla_due_at) over (order by queue_position) as following_due_at,
        lead(queue_position) over (order by queue_position) as following_position
    from {{ ref('rpt_support_queue') }}

)

select
    queue_position,
    next_sla_due_at,
    following_due_at
from queue
where
    following_position is not null
    and (
        (next_sla_due_at is null and following_due_at is not null)
        or next_sla_due_at > following_due_at
    )
