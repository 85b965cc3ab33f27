{%- set property_columns -%}
    {{ gtm_warehouse.blank_to_null('webinar_id') }} as webinar_id,
    {{ gtm_warehouse.clean_text('webinar_name') }} as webinar_name,
    {{ gtm_warehouse.try_cast('webinar_date', 'date') }} as webinar_date,
    {{ gtm_warehouse.normalize_email('email') }} as email,
{%- endset -%}

{{ gtm_warehouse.segment_base(
    'webinar_registered',
    columns=property_columns,
    web_context=false,
) }}
