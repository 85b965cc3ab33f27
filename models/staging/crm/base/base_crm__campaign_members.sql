{#- Every raw row of `crm_campaign_members`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per Salesforce campaign member (a lead or contact in a campaign).
    Quarantine reasons: missing_primary_key, missing_campaign_id, missing_member. -#}
{%- set columns -%}
    {{ gtm_warehouse.blank_to_null('id') }} as campaign_member_id,
    {{ gtm_warehouse.blank_to_null('campaign_id') }} as campaign_id,
    {{ gtm_warehouse.blank_to_null('lead_id') }} as lead_id,
    {{ gtm_warehouse.blank_to_null('contact_id') }} as contact_id,
    {{ gtm_warehouse.clean_text('status') }} as member_status,
    {{ gtm_warehouse.try_cast('has_responded', dbt.type_boolean()) }} as has_responded,
    {{ gtm_warehouse.try_cast('is_deleted', dbt.type_boolean()) }} as is_deleted,
    {{ gtm_warehouse.try_cast('first_responded_date', 'date') }} as first_responded_date,
    {{ gtm_warehouse.try_cast_timestamp('created_date') }} as created_at,
    {{ gtm_warehouse.try_cast_timestamp('system_modstamp') }} as modified_at,
{%- endset -%}

{{ gtm_warehouse.source_base(
    'crm',
    'crm_campaign_members',
    columns=columns,
    key='campaign_member_id',
    latest_first='modified_at desc nulls last, loaded_at desc nulls last',
    extra_reasons=[
        ['campaign_id is null', 'missing_campaign_id'],
        ['lead_id is null and contact_id is null', 'missing_member'],
    ],
) }}
