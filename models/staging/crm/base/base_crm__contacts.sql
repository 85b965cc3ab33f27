{#- Every raw row of `crm_contacts`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per Salesforce contact.
    Quarantine reasons: missing_primary_key. -#}
{%- set columns -%}
    {{ gtm_warehouse.blank_to_null('id') }} as contact_id,
    {{ gtm_warehouse.blank_to_null('account_id') }} as account_id,
    {{ gtm_warehouse.normalize_email('email') }} as email,
    {{ dbt.split_part(gtm_warehouse.normalize_email('email'), "'@'", 2) }} as email_domain,
    {{ gtm_warehouse.normalize_phone_e164(gtm_warehouse.blank_to_null('phone')) }} as phone,
    {{ gtm_warehouse.clean_text('first_name') }} as first_name,
    {{ gtm_warehouse.clean_text('last_name') }} as last_name,
    {{ gtm_warehouse.clean_text('title') }} as job_title,
    {{ gtm_warehouse.clean_text('lead_source') }} as lead_source,
    {{ gtm_warehouse.blank_to_null('email') }} is not null
    and {{ gtm_warehouse.normalize_email('email') }} is null as is_email_invalid,
    {{ gtm_warehouse.blank_to_null('phone') }} is not null
    and {{ gtm_warehouse.normalize_phone_e164(gtm_warehouse.blank_to_null('phone')) }} is null as is_phone_invalid,
    {{ gtm_warehouse.try_cast('is_deleted', dbt.type_boolean()) }} as is_deleted,
    {{ gtm_warehouse.try_cast_timestamp('created_date') }} as created_at,
    {{ gtm_warehouse.try_cast_timestamp('system_modstamp') }} as modified_at,
{%- endset -%}

{{ gtm_warehouse.source_base(
    'crm',
    'crm_contacts',
    columns=columns,
    key='contact_id',
    latest_first='modified_at desc nulls last, loaded_at desc nulls last',
) }}
