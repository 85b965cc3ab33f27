{#- Every raw row of `support_ticket_comments`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per Zendesk ticket comment.
    Quarantine reasons: missing_primary_key, missing_ticket_id. -#}
{%- set columns -%}
    {{ gtm_warehouse.try_cast('id', dbt.type_bigint()) }} as ticket_comment_id,
    {{ gtm_warehouse.try_cast('ticket_id', dbt.type_bigint()) }} as ticket_id,
    {{ gtm_warehouse.try_cast('user_id', dbt.type_bigint()) }} as author_id,
    {{ gtm_warehouse.clean_text('body') }} as body,
    {{ gtm_warehouse.try_cast('public', dbt.type_boolean()) }} as is_public,
    {{ gtm_warehouse.try_cast_timestamp('created_at') }} as created_at,
{%- endset -%}
{%- set key -%}
    cast(ticket_comment_id as {{ dbt.type_string() }})
{%- endset -%}

{{ gtm_warehouse.source_base(
    'support',
    'support_ticket_comments',
    columns=columns,
    key=key,
    latest_first='loaded_at desc nulls last, created_at desc nulls last',
    extra_reasons=[
        ['ticket_id is null', 'missing_ticket_id'],
    ],
) }}
