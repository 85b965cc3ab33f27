{%- set property_columns -%}
    {{ gtm_warehouse.blank_to_null('content_id') }} as content_id,
    {{ gtm_warehouse.clean_text('content_title') }} as content_title,
    lower({{ gtm_warehouse.blank_to_null('content_type') }}) as content_type,
    {{ gtm_warehouse.normalize_email('email') }} as email,
{%- endset -%}

{{ gtm_warehouse.segment_base(
    'content_downloaded',
    columns=property_columns,
    web_context=false,
) }}
