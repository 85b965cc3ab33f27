-- The semantic layer's day spine (MetricFlow's time spine, dbt `time_spine` config in the yml): one row
-- per day from var gtm__time_spine_start (inclusive) to var gtm__time_spine_end (exclusive). Portable:
-- dbt.date_spine builds it from cross joins, the same rows on DuckDB and Spark.
with spine as (
    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('gtm__time_spine_start') ~ "' as date)",
        "cast('" ~ var('gtm__time_spine_end') ~ "' as date)",
    ) }}
),

days as (
    select cast(date_day as date) as date_day
    from spine
)

select date_day from days
