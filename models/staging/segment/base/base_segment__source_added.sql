{%- set property_columns -%}
    {{ gtm_warehouse.blank_to_null('workspace_id') }} as workspace_id,
    {{ gtm_warehouse.blank_to_null('source_id') }} as source_id,
    lower({{ gtm_warehouse.blank_to_null('source_type') }}) as source_type,
    lower({{ gtm_warehouse.blank_to_null('source_category') }}) as source_category,
{%- endset -%}

{{ gtm_warehouse.segment_base(
    'source_added',
    columns=property_columns,
    web_context=false,
) }}
