{#- Every raw row of `app_feature_launches`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per product feature launch.
    Quarantine reasons: missing_primary_key, missing_feature_name, missing_launched_at. -#}
{%- set columns -%}
    {{ gtm_warehouse.blank_to_null('id') }} as feature_launch_id,
    lower({{ gtm_warehouse.blank_to_null('feature_name') }}) as feature_name,
    {{ gtm_warehouse.blank_to_null('docs_url') }} as docs_url,
    {{ gtm_warehouse.try_cast_timestamp('launched_at') }} as launched_at,
    {{ gtm_warehouse.try_cast_timestamp('updated_at') }} as updated_at,
{%- endset -%}

{{ gtm_warehouse.source_base(
    'product',
    'app_feature_launches',
    columns=columns,
    key='feature_launch_id',
    latest_first='updated_at desc nulls last, loaded_at desc nulls last',
    extra_reasons=[
        ['feature_name is null', 'missing_feature_name'],
        ['launched_at is null', 'missing_launched_at'],
    ],
) }}
