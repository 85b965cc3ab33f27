{#- Every raw row of `app_workspaces`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per product workspace.
    Quarantine reasons: missing_primary_key. -#}
{%- set columns -%}
    {{ gtm_warehouse.blank_to_null('id') }} as workspace_id,
    {{ gtm_warehouse.blank_to_null('owner_user_id') }} as owner_user_id,
    {{ gtm_warehouse.clean_text('name') }} as workspace_name,
    lower({{ gtm_warehouse.blank_to_null('slug') }}) as workspace_slug,
    {{ gtm_warehouse.try_cast_timestamp('deleted_at') }} is not null as is_deleted,
    {{ gtm_warehouse.try_cast_timestamp('created_at') }} as created_at,
    {{ gtm_warehouse.try_cast_timestamp('updated_at') }} as updated_at,
    {{ gtm_warehouse.try_cast_timestamp('deleted_at') }} as deleted_at,
{%- endset -%}

{{ gtm_warehouse.source_base(
    'product',
    'app_workspaces',
    columns=columns,
    key='workspace_id',
    latest_first='updated_at desc nulls last, loaded_at desc nulls last',
) }}
