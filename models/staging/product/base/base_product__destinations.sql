{#- Every raw row of `app_destinations`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per destination enabled in a workspace.
    Quarantine reasons: missing_primary_key, missing_workspace_id. -#}
{%- set columns -%}
    {{ gtm_warehouse.blank_to_null('id') }} as destination_id,
    {{ gtm_warehouse.blank_to_null('workspace_id') }} as workspace_id,
    {{ gtm_warehouse.clean_text('destination_name') }} as destination_name,
    lower({{ gtm_warehouse.blank_to_null('category') }}) as destination_category,
    {{ gtm_warehouse.try_cast('enabled', dbt.type_boolean()) }} as is_enabled,
    {{ gtm_warehouse.try_cast_timestamp('deleted_at') }} is not null as is_deleted,
    {{ gtm_warehouse.try_cast_timestamp('created_at') }} as created_at,
    {{ gtm_warehouse.try_cast_timestamp('deleted_at') }} as deleted_at,
    {{ gtm_warehouse.try_cast_timestamp('updated_at') }} as updated_at,
{%- endset -%}

{{ gtm_warehouse.source_base(
    'product',
    'app_destinations',
    columns=columns,
    key='destination_id',
    latest_first='updated_at desc nulls last, loaded_at desc nulls last',
    extra_reasons=[
        ['workspace_id is null', 'missing_workspace_id'],
    ],
) }}
