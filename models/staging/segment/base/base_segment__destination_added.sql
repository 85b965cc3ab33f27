{%- set property_columns -%}
    {{ gtm_warehouse.blank_to_null('workspace_id') }} as workspace_id,
    {{ gtm_warehouse.blank_to_null('destination_id') }} as destination_id,
    {{ gtm_warehouse.clean_text('destination_name') }} as destination_name,
    lower({{ gtm_warehouse.blank_to_null('destination_category') }}) as destination_category,
{%- endset -%}

{{ gtm_warehouse.segment_base(
    'destination_added',
    columns=property_columns,
    web_context=false,
) }}
