{%- set property_columns -%}
    {{ gtm_warehouse.normalize_email('email') }} as email,
    {{ gtm_warehouse.clean_text('company_name') }} as company_name,
    lower({{ gtm_warehouse.blank_to_null('company_size') }}) as company_size,
    {{ gtm_warehouse.clean_text('form_name') }} as form_name,
{%- endset -%}

{{ gtm_warehouse.segment_base(
    'demo_requested',
    columns=property_columns,
    web_context=false,
) }}
