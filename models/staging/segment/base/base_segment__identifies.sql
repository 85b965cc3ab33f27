{%- set identify_columns -%}
    {{ gtm_warehouse.normalize_email('email') }} as email,
    {{ gtm_warehouse.blank_to_null('email') }} is not null
    and {{ gtm_warehouse.normalize_email('email') }} is null as is_email_invalid,
    {{ gtm_warehouse.clean_text('name') }} as full_name,
    {{ gtm_warehouse.clean_text('first_name') }} as first_name,
    {{ gtm_warehouse.clean_text('last_name') }} as last_name,
    {{ gtm_warehouse.clean_text('role') }} as role,
    {{ gtm_warehouse.clean_text('roles') }} as roles,
    {{ gtm_warehouse.clean_text('title') }} as job_title,
    {{ gtm_warehouse.clean_text('company_name') }} as company_name,
    {{ gtm_warehouse.try_cast_timestamp('created_at') }} as user_created_at,
{%- endset -%}

{{ gtm_warehouse.segment_base(
    'identifies',
    columns=identify_columns,
) }}
