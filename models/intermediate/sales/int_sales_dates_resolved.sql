{#- One row: the day the sales marts are computed for (var gtm__sales_as_of_date, else the date of the
    newest event), the previous day (the previous daily build, for "what changed") and its week start. -#}
with

events as (

    select event_at from {{ ref('fct_events') }}

),

as_of as (

    select
        coalesce(
            cast({{ "'" ~ var('gtm__sales_as_of_date') ~ "'" if var('gtm__sales_as_of_date') else 'null' }} as date),
            cast(max(event_at) as date)
        ) as as_of_date
    from events

),

resolved as (

    select
        as_of_date,
        cast({{ dbt.dateadd('day', -1, 'as_of_date') }} as date) as previous_as_of_date,
        cast({{ dbt.date_trunc('week', 'as_of_date') }} as date) as as_of_week_start
    from as_of

)

select * from resolved
