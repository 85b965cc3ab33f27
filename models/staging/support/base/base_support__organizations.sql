{#- Every raw row of `support_organizations`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per Zendesk organization.
    Quarantine reasons: missing_primary_key. -#}
{%- set columns -%}
    {{ gtm_warehouse.try_cast('id', dbt.type_bigint()) }} as organization_id,
    {{ gtm_warehouse.blank_to_null('external_id') }} as workspace_id,
    {{ gtm_warehouse.clean_text('name') }} as organization_name,
    lower(replace({{ gtm_warehouse.blank_to_null('domain_names') }}, ' ', '')) as domain_names,
    {{ gtm_warehouse.try_cast_timestamp('created_at') }} as created_at,
    {{ gtm_warehouse.try_cast_timestamp('updated_at') }} as updated_at,
{%- endset -%}
{%- set key -%}
    cast(organization_id as {{ dbt.type_string() }})
{%- endset -%}

{{ gtm_warehouse.source_base(
    'support',
    'support_organizations',
    columns=columns,
    key=key,
    latest_first='updated_at desc nulls last, loaded_at desc nulls last',
) }}
