{#- One row per SLA clock of a ticket. first_reply_time: from ticket creation to the first agent response.
    next_reply_time: one clock per customer public comment that follows an agent response, to the next
    agent response. The policy is the one of the tier at ticket creation (int_support_tickets_tiered).
    Business-hours clocks count only the desk's open time (int_support_days_calendared): a position in
    "business microseconds" is a join on the date. An unanswered clock runs until the ticket was solved
    (solved/closed: its updated_at) or until as_of_at (the newest activity in the desk data). -#}
{{ config(enabled=var('using_support') and var('using_product_db')) }}
{%- set us_per_minute = 60000000 -%}

with

tickets as (

    select
        ticket_id,
        ticket_status,
        sla_plan_tier,
        sla_priority,
        created_at,
        updated_at
    from {{ ref('int_support_tickets_tiered') }}

),

comments as (

    select
        ticket_comment_id,
        ticket_id,
        created_at,
        is_agent_response,
        is_customer_comment,
        public_sequence
    from {{ ref('int_ticket_comments_classified') }}

),

policies as (

    select
        plan_tier,
        priority,
        sla_metric,
        target_minutes,
        uses_business_hours
    from {{ ref('sla_policies') }}

),

calendar as (

    select
        calendar_date,
        day_start_us,
        opens_us,
        business_us,
        business_us_before
    from {{ ref('int_support_days_calendared') }}

),

-- the desk data's "now": its newest ticket update or comment
as_of as (

    select max(activity_at) as as_of_at
    from (
        select updated_at as activity_at from tickets
        union all
        select created_at as activity_at from comments
    ) as activity

),

first_replies as (

    select
        tickets.ticket_id,
        'first_reply_time' as sla_metric,
        0 as clock_number,
        tickets.created_at as started_at,
        min(case when comments.is_agent_response then comments.created_at end) as fulfilled_at
    from tickets
    left join comments on tickets.ticket_id = comments.ticket_id
    group by tickets.ticket_id, tickets.created_at

),

public_comments as (

    select
        ticket_comment_id,
        ticket_id,
        created_at,
        is_agent_response,
        is_customer_comment,
        public_sequence,
        lag(is_agent_response) over (partition by ticket_id order by public_sequence) as follows_agent_response
    from comments
    where public_sequence is not null

),

next_reply_starts as (

    select
        ticket_id,
        created_at as started_at,
        public_sequence,
        row_number() over (partition by ticket_id order by public_sequence) as clock_number
    from public_comments
    where is_customer_comment and follows_agent_response

),

next_replies as (

    select
        next_reply_starts.ticket_id,
        'next_reply_time' as sla_metric,
        next_reply_starts.clock_number,
        next_reply_starts.started_at,
        min(responses.created_at) as fulfilled_at
    from next_reply_starts
    left join public_comments as responses
        on
            next_reply_starts.ticket_id = responses.ticket_id
            and responses.is_agent_response
            and next_reply_starts.public_sequence < responses.public_sequence
    group by next_reply_starts.ticket_id, next_reply_starts.clock_number, next_reply_starts.started_at

),

clocks as (

    select
        ticket_id,
        sla_metric,
        clock_number,
        started_at,
        fulfilled_at
    from first_replies
    union all
    select
        ticket_id,
        sla_metric,
        clock_number,
        started_at,
        fulfilled_at
    from next_replies

),

clocks_policed as (

    select
        clocks.ticket_id,
        clocks.sla_metric,
        clocks.clock_number,
        tickets.sla_plan_tier,
        tickets.sla_priority,
        policies.target_minutes,
        policies.uses_business_hours,
        clocks.started_at,
        clocks.fulfilled_at,
        case
            when clocks.fulfilled_at is not null then clocks.fulfilled_at
            when tickets.ticket_status in ('solved', 'closed')
                then case when tickets.updated_at > clocks.started_at then tickets.updated_at else clocks.started_at end
            when as_of.as_of_at > clocks.started_at then as_of.as_of_at
            else clocks.started_at
        end as measured_until_at,
        clocks.fulfilled_at is null and tickets.ticket_status in ('solved', 'closed') as is_solved_without_response,
        cast(policies.target_minutes as {{ dbt.type_bigint() }}) * {{ us_per_minute }} as target_us
    from clocks
    inner join tickets on clocks.ticket_id = tickets.ticket_id
    cross join as_of
    left join policies
        on
            tickets.sla_plan_tier = policies.plan_tier
            and tickets.sla_priority = policies.priority
            and clocks.sla_metric = policies.sla_metric

),

-- position of start and end on the clock's time line: epoch microseconds, or business microseconds
positioned as (

    select
        clocks_policed.*,
        {{ gtm_warehouse.epoch_microseconds('clocks_policed.started_at') }} as started_us,
        {{ gtm_warehouse.epoch_microseconds('clocks_policed.measured_until_at') }} as measured_until_us,
        start_day.business_us_before + least(greatest(
            {{ gtm_warehouse.epoch_microseconds('clocks_policed.started_at') }}
            - start_day.day_start_us - start_day.opens_us, 0
        ), start_day.business_us) as started_business_us,
        end_day.business_us_before + least(greatest(
            {{ gtm_warehouse.epoch_microseconds('clocks_policed.measured_until_at') }}
            - end_day.day_start_us - end_day.opens_us, 0
        ), end_day.business_us) as measured_until_business_us
    from clocks_policed
    left join calendar as start_day on cast(clocks_policed.started_at as date) = start_day.calendar_date
    left join calendar as end_day on cast(clocks_policed.measured_until_at as date) = end_day.calendar_date

),

-- the business day on which the target is used up, and the due time in it
business_due as (

    select
        positioned.ticket_id,
        positioned.sla_metric,
        positioned.clock_number,
        due_day.day_start_us + due_day.opens_us
        + (positioned.started_business_us + positioned.target_us - due_day.business_us_before) as due_us
    from positioned
    inner join calendar as due_day
        on
            due_day.business_us > 0
            and due_day.business_us_before < positioned.started_business_us + positioned.target_us
            and positioned.started_business_us + positioned.target_us
            <= due_day.business_us_before + due_day.business_us
    where positioned.uses_business_hours

),

measured as (

    select
        positioned.ticket_id,
        positioned.sla_metric,
        positioned.clock_number,
        positioned.sla_plan_tier,
        positioned.sla_priority,
        positioned.target_minutes,
        positioned.uses_business_hours,
        positioned.started_at,
        positioned.fulfilled_at,
        positioned.measured_until_at,
        positioned.is_solved_without_response,
        case
            when positioned.uses_business_hours
                then {{ gtm_warehouse.timestamp_from_epoch_microseconds('business_due.due_us') }}
            else {{ gtm_warehouse.timestamp_from_epoch_microseconds('positioned.started_us + positioned.target_us') }}
        end as due_at,
        case
            when positioned.uses_business_hours
                then positioned.measured_until_business_us - positioned.started_business_us
            else positioned.measured_until_us - positioned.started_us
        end as elapsed_us
    from positioned
    left join business_due
        on
            positioned.ticket_id = business_due.ticket_id
            and positioned.sla_metric = business_due.sla_metric
            and positioned.clock_number = business_due.clock_number

),

final as (

    select
        {{ dbt.concat([
            "cast(ticket_id as " ~ dbt.type_string() ~ ")", "'-'", "sla_metric", "'-'",
            "cast(clock_number as " ~ dbt.type_string() ~ ")",
        ]) }} as sla_clock_id,
        ticket_id,
        sla_metric,
        clock_number,
        sla_plan_tier,
        sla_priority,
        target_minutes,
        uses_business_hours,
        started_at,
        due_at,
        fulfilled_at,
        measured_until_at,
        cast(elapsed_us as double) / {{ us_per_minute }} as elapsed_minutes,
        measured_until_at > due_at as is_breached,
        case
            when measured_until_at > due_at then 'breached'
            when fulfilled_at is not null then 'achieved'
            when is_solved_without_response then 'solved_without_response'
            else 'active'
        end as sla_status
    from measured

)

select * from final
