{%- set property_columns -%}
    {{ gtm_warehouse.blank_to_null('workspace_id') }} as workspace_id,
    lower({{ gtm_warehouse.blank_to_null('feature_name') }}) as feature_name,
{%- endset -%}

{{ gtm_warehouse.segment_base(
    'feature_used',
    columns=property_columns,
    web_context=false,
) }}
