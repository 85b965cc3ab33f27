{%- set property_columns -%}
    {{ gtm_warehouse.blank_to_null('workspace_id') }} as workspace_id,
    {{ gtm_warehouse.clean_text('workspace_name') }} as workspace_name,
    {{ gtm_warehouse.clean_text('workspace_slug') }} as workspace_slug,
{%- endset -%}

{{ gtm_warehouse.segment_base(
    'workspace_created',
    columns=property_columns,
    web_context=false,
) }}
