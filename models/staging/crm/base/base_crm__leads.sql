{#- Every raw row of `crm_leads`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per Salesforce lead.
    Quarantine reasons: missing_primary_key. -#}
{%- set columns -%}
    {{ gtm_warehouse.blank_to_null('id') }} as lead_id,
    {{ gtm_warehouse.blank_to_null('converted_account_id') }} as converted_account_id,
    {{ gtm_warehouse.blank_to_null('converted_contact_id') }} as converted_contact_id,
    {{ gtm_warehouse.blank_to_null('converted_opportunity_id') }} as converted_opportunity_id,
    {{ gtm_warehouse.normalize_email('email') }} as email,
    {{ dbt.split_part(gtm_warehouse.normalize_email('email'), "'@'", 2) }} as email_domain,
    {{ gtm_warehouse.normalize_phone_e164(gtm_warehouse.blank_to_null('phone')) }} as phone,
    {{ gtm_warehouse.clean_text('first_name') }} as first_name,
    {{ gtm_warehouse.clean_text('last_name') }} as last_name,
    {{ gtm_warehouse.clean_text('company') }} as company_name,
    {{ gtm_warehouse.clean_text('title') }} as job_title,
    {{ gtm_warehouse.clean_text('industry') }} as industry,
    {{ gtm_warehouse.clean_text('lead_source') }} as lead_source,
    {{ gtm_warehouse.clean_text('status') }} as lead_status,
    {{ gtm_warehouse.try_cast('number_of_employees', dbt.type_bigint()) }} as number_of_employees,
    {{ gtm_warehouse.blank_to_null('email') }} is not null
    and {{ gtm_warehouse.normalize_email('email') }} is null as is_email_invalid,
    {{ gtm_warehouse.blank_to_null('phone') }} is not null
    and {{ gtm_warehouse.normalize_phone_e164(gtm_warehouse.blank_to_null('phone')) }} is null as is_phone_invalid,
    {{ gtm_warehouse.try_cast('is_converted', dbt.type_boolean()) }} as is_converted,
    {{ gtm_warehouse.try_cast('is_deleted', dbt.type_boolean()) }} as is_deleted,
    {{ gtm_warehouse.try_cast('converted_date', 'date') }} as converted_date,
    {{ gtm_warehouse.try_cast_timestamp('created_date') }} as created_at,
    {{ gtm_warehouse.try_cast_timestamp('system_modstamp') }} as modified_at,
{%- endset -%}

{{ gtm_warehouse.source_base(
    'crm',
    'crm_leads',
    columns=columns,
    key='lead_id',
    latest_first='modified_at desc nulls last, loaded_at desc nulls last',
) }}
