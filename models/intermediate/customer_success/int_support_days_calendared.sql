{#- One row per calendar day (UTC) from var gtm__support_calendar_start to gtm__support_calendar_end:
    the support desk's business hours that day (business_hours seed, none on holidays) and the business
    microseconds of all days before it, so that "business time at a timestamp" is a join on its date. -#}
{%- set us_per_minute = 60000000 -%}
{%- set monday = "cast('1970-01-05' as date)" -%}

with

-- dbt.date_spine stops before its end date: end + 1 day includes the last day
spine as (

    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('gtm__support_calendar_start') ~ "' as date)",
        dbt.dateadd('day', 1, "cast('" ~ var('gtm__support_calendar_end') ~ "' as date)"),
    ) }}

),

business_hours as (

    select
        iso_day_of_week,
        opens_at,
        closes_at
    from {{ ref('business_hours') }}

),

holidays as (

    select
        holiday_date,
        holiday_name
    from {{ ref('holidays') }}

),

days as (

    select
        cast(date_day as date) as calendar_date,
        -- ISO day of week without dayofweek() (Sunday is 0 on DuckDB, 1 on Spark): days since a Monday
        mod({{ dbt.datediff(monday, 'cast(date_day as date)', 'day') }}, 7) + 1 as iso_day_of_week
    from spine

),

opening_hours as (

    select
        iso_day_of_week,
        cast(
            cast(substr(opens_at, 1, 2) as {{ dbt.type_int() }}) * 60
            + cast(substr(opens_at, 4, 2) as {{ dbt.type_int() }}) as {{ dbt.type_bigint() }}
        ) * {{ us_per_minute }} as opens_us,
        cast(
            cast(substr(closes_at, 1, 2) as {{ dbt.type_int() }}) * 60
            + cast(substr(closes_at, 4, 2) as {{ dbt.type_int() }}) as {{ dbt.type_bigint() }}
        ) * {{ us_per_minute }} as closes_us
    from business_hours

),

days_opened as (

    select
        days.calendar_date,
        days.iso_day_of_week,
        holidays.holiday_name,
        {{ gtm_warehouse.epoch_microseconds('cast(days.calendar_date as ' ~ dbt.type_timestamp() ~ ')') }}
            as day_start_us,
        holidays.holiday_date is not null as is_holiday,
        coalesce(opening_hours.opens_us, 0) as opens_us,
        case
            when holidays.holiday_date is null and opening_hours.opens_us is not null
                then opening_hours.closes_us - opening_hours.opens_us
            else 0
        end as business_us
    from days
    left join opening_hours on days.iso_day_of_week = opening_hours.iso_day_of_week
    left join holidays on days.calendar_date = holidays.holiday_date

),

final as (

    select
        calendar_date,
        iso_day_of_week,
        holiday_name,
        is_holiday,
        business_us > 0 as is_business_day,
        day_start_us,
        opens_us,
        business_us,
        cast(coalesce(
            sum(business_us) over (order by calendar_date rows between unbounded preceding and 1 preceding), 0
        ) as {{ dbt.type_bigint() }}) as business_us_before
    from days_opened

)

select * from final
