{%- set property_columns -%}
    {{ gtm_warehouse.blank_to_null('workspace_id') }} as workspace_id,
    {{ gtm_warehouse.normalize_email('invitee_email') }} as invitee_email,
    lower({{ gtm_warehouse.blank_to_null('invitee_role') }}) as invitee_role,
{%- endset -%}

{{ gtm_warehouse.segment_base(
    'teammate_invited',
    columns=property_columns,
    web_context=false,
) }}
