{#- Every raw row of `app_users`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per product user.
    Quarantine reasons: missing_primary_key. -#}
{%- set columns -%}
    {{ gtm_warehouse.blank_to_null('id') }} as user_id,
    {{ gtm_warehouse.normalize_email('email') }} as email,
    {{ dbt.split_part(gtm_warehouse.normalize_email('email'), "'@'", 2) }} as email_domain,
    {{ gtm_warehouse.clean_text('name') }} as full_name,
    coalesce({{ gtm_warehouse.try_cast('is_staff', dbt.type_boolean()) }}, false) as is_staff,
    {{ gtm_warehouse.blank_to_null('email') }} is not null
    and {{ gtm_warehouse.normalize_email('email') }} is null as is_email_invalid,
    {{ gtm_warehouse.try_cast_timestamp('created_at') }} as created_at,
    {{ gtm_warehouse.try_cast_timestamp('updated_at') }} as updated_at,
{%- endset -%}

{{ gtm_warehouse.source_base(
    'product',
    'app_users',
    columns=columns,
    key='user_id',
    latest_first='updated_at desc nulls last, loaded_at desc nulls last',
) }}
