{%- set property_columns -%}
    {{ gtm_warehouse.blank_to_null('email_id') }} as email_id,
    {{ gtm_warehouse.blank_to_null('campaign_id') }} as campaign_id,
    {{ gtm_warehouse.clean_text('campaign_name') }} as campaign_name,
    {{ gtm_warehouse.clean_text('email_subject') }} as email_subject,
    {{ gtm_warehouse.normalize_email('email_address') }} as email_address,
{%- endset -%}

{{ gtm_warehouse.segment_base(
    'email_unsubscribed',
    columns=property_columns,
    web_context=false,
) }}
