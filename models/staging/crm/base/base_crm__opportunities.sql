{#- Every raw row of `crm_opportunities`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per Salesforce opportunity.
    Quarantine reasons: missing_primary_key, missing_account_id, negative_amount. -#}
{%- set columns -%}
    {{ gtm_warehouse.blank_to_null('id') }} as opportunity_id,
    {{ gtm_warehouse.blank_to_null('account_id') }} as account_id,
    {{ gtm_warehouse.blank_to_null('contact_id') }} as contact_id,
    {{ gtm_warehouse.blank_to_null('campaign_id') }} as campaign_id,
    {{ gtm_warehouse.clean_text('name') }} as opportunity_name,
    {{ gtm_warehouse.clean_text('type') }} as opportunity_type,
    {{ gtm_warehouse.clean_text('stage_name') }} as stage_name,
    lower({{ gtm_warehouse.blank_to_null('plan_tier_c') }}) as plan_tier,
    {{ gtm_warehouse.clean_text('lead_source') }} as lead_source,
    {{ gtm_warehouse.try_cast('amount', 'double') }} as amount,
    {{ gtm_warehouse.try_cast('probability', 'double') }} as probability,
    {{ gtm_warehouse.try_cast('is_closed', dbt.type_boolean()) }} as is_closed,
    {{ gtm_warehouse.try_cast('is_won', dbt.type_boolean()) }} as is_won,
    {{ gtm_warehouse.try_cast('is_deleted', dbt.type_boolean()) }} as is_deleted,
    {{ gtm_warehouse.try_cast('close_date', 'date') }} as close_date,
    {{ gtm_warehouse.try_cast_timestamp('created_date') }} as created_at,
    {{ gtm_warehouse.try_cast_timestamp('system_modstamp') }} as modified_at,
{%- endset -%}

{{ gtm_warehouse.source_base(
    'crm',
    'crm_opportunities',
    columns=columns,
    key='opportunity_id',
    latest_first='modified_at desc nulls last, loaded_at desc nulls last',
    extra_reasons=[
        ['account_id is null', 'missing_account_id'],
        ['amount < 0', 'negative_amount'],
    ],
) }}
