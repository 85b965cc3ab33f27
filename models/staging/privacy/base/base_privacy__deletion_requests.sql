{#- Every raw row of `privacy_deletion_requests`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per data-subject deletion request.
    Quarantine reasons: missing_primary_key, missing_identifier. -#}
{%- set columns -%}
    {{ gtm_warehouse.blank_to_null('id') }} as deletion_request_id,
    {{ gtm_warehouse.clean_identifier('user_id') }} as user_id,
    {{ gtm_warehouse.clean_identifier('anonymous_id') }} as anonymous_id,
    {{ gtm_warehouse.normalize_email('email') }} as email,
    {{ dbt.split_part(gtm_warehouse.normalize_email('email'), "'@'", 2) }} as email_domain,
    lower({{ gtm_warehouse.blank_to_null('status') }}) as request_status,
    {{ gtm_warehouse.blank_to_null('email') }} is not null
    and {{ gtm_warehouse.normalize_email('email') }} is null as is_email_invalid,
    {{ gtm_warehouse.try_cast_timestamp('requested_at') }} as requested_at,
    {{ gtm_warehouse.try_cast_timestamp('completed_at') }} as completed_at,
{%- endset -%}

{{ gtm_warehouse.source_base(
    'privacy',
    'privacy_deletion_requests',
    columns=columns,
    key='deletion_request_id',
    latest_first='loaded_at desc nulls last, completed_at desc nulls last',
    extra_reasons=[
        ['email is null and user_id is null and anonymous_id is null', 'missing_identifier'],
    ],
) }}
