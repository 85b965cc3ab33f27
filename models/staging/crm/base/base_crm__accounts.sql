{#- Every raw row of `crm_accounts`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per Salesforce account.
    Quarantine reasons: missing_primary_key. -#}
{%- set columns -%}
    {{ gtm_warehouse.blank_to_null('id') }} as account_id,
    {{ gtm_warehouse.blank_to_null('owner_id') }} as owner_id,
    {{ gtm_warehouse.blank_to_null('workspace_id_c') }} as workspace_id,
    {{ gtm_warehouse.clean_text('name') }} as account_name,
    lower({{ gtm_warehouse.blank_to_null('website') }}) as website,
    {{ gtm_warehouse.clean_text('industry') }} as industry,
    {{ gtm_warehouse.clean_text('billing_country') }} as billing_country,
    {{ gtm_warehouse.clean_text('type') }} as account_type,
    {{ gtm_warehouse.try_cast('number_of_employees', dbt.type_bigint()) }} as number_of_employees,
    {{ gtm_warehouse.try_cast('annual_revenue', 'double') }} as annual_revenue,
    {{ gtm_warehouse.try_cast('is_deleted', dbt.type_boolean()) }} as is_deleted,
    {{ gtm_warehouse.try_cast_timestamp('created_date') }} as created_at,
    {{ gtm_warehouse.try_cast_timestamp('system_modstamp') }} as modified_at,
{%- endset -%}

{{ gtm_warehouse.source_base(
    'crm',
    'crm_accounts',
    columns=columns,
    key='account_id',
    latest_first='modified_at desc nulls last, loaded_at desc nulls last',
) }}
