{#- Every raw row of `app_sources`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per data source connected in a workspace.
    Quarantine reasons: missing_primary_key, missing_workspace_id. -#}
{%- set columns -%}
    {{ gtm_warehouse.blank_to_null('id') }} as source_id,
    {{ gtm_warehouse.blank_to_null('workspace_id') }} as workspace_id,
    lower({{ gtm_warehouse.blank_to_null('source_type') }}) as source_type,
    {{ gtm_warehouse.clean_text('name') }} as source_name,
    {{ gtm_warehouse.try_cast_timestamp('deleted_at') }} is not null as is_deleted,
    {{ gtm_warehouse.try_cast_timestamp('created_at') }} as created_at,
    {{ gtm_warehouse.try_cast_timestamp('first_event_at') }} as first_event_at,
    {{ gtm_warehouse.try_cast_timestamp('last_event_at') }} as last_event_at,
    {{ gtm_warehouse.try_cast_timestamp('deleted_at') }} as deleted_at,
    {{ gtm_warehouse.try_cast_timestamp('updated_at') }} as updated_at,
{%- endset -%}

{{ gtm_warehouse.source_base(
    'product',
    'app_sources',
    columns=columns,
    key='source_id',
    latest_first='updated_at desc nulls last, loaded_at desc nulls last',
    extra_reasons=[
        ['workspace_id is null', 'missing_workspace_id'],
    ],
) }}
