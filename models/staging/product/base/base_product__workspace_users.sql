{#- Every raw row of `app_workspace_users`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per membership of a user in a workspace.
    Quarantine reasons: missing_primary_key, missing_workspace_id, missing_user_id. -#}
{%- set columns -%}
    {{ gtm_warehouse.blank_to_null('id') }} as workspace_user_id,
    {{ gtm_warehouse.blank_to_null('workspace_id') }} as workspace_id,
    {{ gtm_warehouse.blank_to_null('user_id') }} as user_id,
    lower({{ gtm_warehouse.blank_to_null('role') }}) as workspace_role,
    {{ gtm_warehouse.try_cast_timestamp('removed_at') }} is not null as is_removed,
    {{ gtm_warehouse.try_cast_timestamp('created_at') }} as created_at,
    {{ gtm_warehouse.try_cast_timestamp('removed_at') }} as removed_at,
    {{ gtm_warehouse.try_cast_timestamp('updated_at') }} as updated_at,
{%- endset -%}

{{ gtm_warehouse.source_base(
    'product',
    'app_workspace_users',
    columns=columns,
    key='workspace_user_id',
    latest_first='updated_at desc nulls last, loaded_at desc nulls last',
    extra_reasons=[
        ['workspace_id is null', 'missing_workspace_id'],
        ['user_id is null', 'missing_user_id'],
    ],
) }}
