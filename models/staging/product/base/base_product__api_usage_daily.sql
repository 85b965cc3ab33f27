{#- Every raw row of `app_api_usage_daily`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per workspace and day.
    Quarantine reasons: missing_primary_key, negative_count. -#}
{%- set columns -%}
    {{ gtm_warehouse.blank_to_null('workspace_id') }} as workspace_id,
    {{ gtm_warehouse.try_cast('api_calls', dbt.type_bigint()) }} as api_calls,
    {{ gtm_warehouse.try_cast('track_calls', dbt.type_bigint()) }} as track_calls,
    {{ gtm_warehouse.try_cast('page_calls', dbt.type_bigint()) }} as page_calls,
    {{ gtm_warehouse.try_cast('identify_calls', dbt.type_bigint()) }} as identify_calls,
    {{ gtm_warehouse.try_cast('group_calls', dbt.type_bigint()) }} as group_calls,
    {{ gtm_warehouse.try_cast('active_sources', dbt.type_bigint()) }} as active_sources,
    {{ gtm_warehouse.try_cast('usage_date', 'date') }} as usage_date,
{%- endset -%}
{%- set key -%}
    {{ dbt.concat(["workspace_id", "'|'", "cast(usage_date as " ~ dbt.type_string() ~ ")"]) }}
{%- endset -%}

{{ gtm_warehouse.source_base(
    'product',
    'app_api_usage_daily',
    columns=columns,
    key=key,
    latest_first='loaded_at desc nulls last',
    extra_reasons=[
        ['least(api_calls, track_calls, page_calls, identify_calls, group_calls, active_sources) < 0', 'negative_count'],
    ],
) }}
