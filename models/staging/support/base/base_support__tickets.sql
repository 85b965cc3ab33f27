{#- Every raw row of `support_tickets`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per Zendesk ticket.
    Quarantine reasons: missing_primary_key. -#}
{%- set columns -%}
    {{ gtm_warehouse.try_cast('id', dbt.type_bigint()) }} as ticket_id,
    {{ gtm_warehouse.try_cast('requester_id', dbt.type_bigint()) }} as requester_id,
    {{ gtm_warehouse.try_cast('submitter_id', dbt.type_bigint()) }} as submitter_id,
    {{ gtm_warehouse.try_cast('assignee_id', dbt.type_bigint()) }} as assignee_id,
    {{ gtm_warehouse.try_cast('organization_id', dbt.type_bigint()) }} as organization_id,
    {{ gtm_warehouse.clean_text('subject') }} as subject,
    {{ gtm_warehouse.clean_text('description') }} as description,
    lower({{ gtm_warehouse.blank_to_null('status') }}) as ticket_status,
    lower({{ gtm_warehouse.blank_to_null('priority') }}) as priority,
    lower({{ gtm_warehouse.blank_to_null('type') }}) as ticket_type,
    lower({{ gtm_warehouse.blank_to_null('via_channel') }}) as via_channel,
    {{ gtm_warehouse.try_cast_timestamp('created_at') }} as created_at,
    {{ gtm_warehouse.try_cast_timestamp('updated_at') }} as updated_at,
{%- endset -%}
{%- set key -%}
    cast(ticket_id as {{ dbt.type_string() }})
{%- endset -%}

{{ gtm_warehouse.source_base(
    'support',
    'support_tickets',
    columns=columns,
    key=key,
    latest_first='updated_at desc nulls last, loaded_at desc nulls last',
) }}
