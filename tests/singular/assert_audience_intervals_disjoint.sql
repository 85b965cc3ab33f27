-- Membership intervals of one person in one audience never overlap or touch (touching intervals would
-- be one interval): each next entry is after the previous exit.
with

history as (

    select
        audience_key,
        person_id,
        entered_at,
        exited_at,
        lead(entered_at) over (partition by audience_key, person_id order by entered_at) as next_entered_at
    from {{ ref('fct_sales_audience_membership_history') }}

)

select
    audience_key,
    person_id,
    entered_at,
    exited_at,
    next_entered_at
from history
where next_entered_at is not null and (exited_at is null or next_entered_at <= exited_at)
