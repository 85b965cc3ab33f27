{#- Every raw row of `crm_campaigns`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per Salesforce campaign.
    Quarantine reasons: missing_primary_key. -#}
{%- set columns -%}
    {{ gtm_warehouse.blank_to_null('id') }} as campaign_id,
    {{ gtm_warehouse.clean_text('name') }} as campaign_name,
    {{ gtm_warehouse.clean_text('type') }} as campaign_type,
    {{ gtm_warehouse.clean_text('status') }} as campaign_status,
    {{ gtm_warehouse.clean_text('entry_point_c') }} as entry_point,
    lower({{ gtm_warehouse.clean_text('utm_campaign_c') }}) as utm_campaign,
    {{ gtm_warehouse.try_cast('budgeted_cost', 'double') }} as budgeted_cost,
    {{ gtm_warehouse.try_cast('actual_cost', 'double') }} as actual_cost,
    {{ gtm_warehouse.try_cast('is_deleted', dbt.type_boolean()) }} as is_deleted,
    {{ gtm_warehouse.try_cast('start_date', 'date') }} as start_date,
    {{ gtm_warehouse.try_cast('end_date', 'date') }} as end_date,
    {{ gtm_warehouse.try_cast_timestamp('created_date') }} as created_at,
    {{ gtm_warehouse.try_cast_timestamp('system_modstamp') }} as modified_at,
{%- endset -%}

{{ gtm_warehouse.source_base(
    'crm',
    'crm_campaigns',
    columns=columns,
    key='campaign_id',
    latest_first='modified_at desc nulls last, loaded_at desc nulls last',
) }}
