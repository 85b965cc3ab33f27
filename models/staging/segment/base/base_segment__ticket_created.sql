{%- set property_columns -%}
    {{ gtm_warehouse.blank_to_null('ticket_id') }} as ticket_id,
    {{ gtm_warehouse.blank_to_null('workspace_id') }} as workspace_id,
    lower({{ gtm_warehouse.blank_to_null('priority') }}) as priority,
    {{ gtm_warehouse.clean_text('subject') }} as subject,
{%- endset -%}

{{ gtm_warehouse.segment_base(
    'ticket_created',
    columns=property_columns,
    web_context=false,
) }}
