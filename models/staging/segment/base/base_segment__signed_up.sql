{%- set property_columns -%}
    {{ gtm_warehouse.normalize_email('email') }} as email,
    {{ gtm_warehouse.clean_text('first_name') }} as first_name,
    {{ gtm_warehouse.clean_text('last_name') }} as last_name,
    {{ gtm_warehouse.clean_text('roles') }} as roles,
    {{ gtm_warehouse.clean_text('company_name') }} as company_name,
    lower({{ gtm_warehouse.blank_to_null('signup_method') }}) as signup_method,
{%- endset -%}

{{ gtm_warehouse.segment_base(
    'signed_up',
    columns=property_columns,
    web_context=false,
) }}
