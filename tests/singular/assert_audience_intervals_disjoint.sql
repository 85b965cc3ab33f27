-- Membership intervals of one person in one audience never overlap or touch (touching intervals would
-- be one interval): each next entry is after the previous exit. Every audience history of the shared
-- audience pattern (docs/DECISIONS.md "Audiences: one pattern") that needs the CRM: sales high-intent and
-- marketing persona audiences.
with

histories as (

    select
        audience_key,
        person_id,
        cast(entered_at as {{ dbt.type_timestamp() }}) as entered_at,
        cast(exited_at as {{ dbt.type_timestamp() }}) as exited_at
    from {{ ref('fct_sales_audience_membership_history') }}
    union all
    select
        audience_key,
        person_id,
        entered_at,
        exited_at
    from {{ ref('fct_persona_audience_memberships') }}

),

history as (

    select
        audience_key,
        person_id,
        entered_at,
        exited_at,
        lead(entered_at) over (partition by audience_key, person_id order by entered_at) as next_entered_at
    from histories

)

select
    audience_key,
    person_id,
    entered_at,
    exited_at,
    next_entered_at
from history
where next_entered_at is not null and (exited_at is null or next_entered_at <= exited_at)
