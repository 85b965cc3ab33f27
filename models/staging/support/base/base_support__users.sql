{#- Every raw row of `support_users`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per Zendesk user (end users and agents).
    Quarantine reasons: missing_primary_key. -#}
{%- set columns -%}
    {{ gtm_warehouse.try_cast('id', dbt.type_bigint()) }} as support_user_id,
    {{ gtm_warehouse.try_cast('organization_id', dbt.type_bigint()) }} as organization_id,
    {{ gtm_warehouse.blank_to_null('external_id') }} as product_user_id,
    {{ gtm_warehouse.normalize_email('email') }} as email,
    {{ dbt.split_part(gtm_warehouse.normalize_email('email'), "'@'", 2) }} as email_domain,
    {{ gtm_warehouse.clean_text('name') }} as full_name,
    lower({{ gtm_warehouse.blank_to_null('role') }}) as user_role,
    {{ gtm_warehouse.blank_to_null('email') }} is not null
    and {{ gtm_warehouse.normalize_email('email') }} is null as is_email_invalid,
    {{ gtm_warehouse.try_cast_timestamp('created_at') }} as created_at,
    {{ gtm_warehouse.try_cast_timestamp('updated_at') }} as updated_at,
{%- endset -%}
{%- set key -%}
    cast(support_user_id as {{ dbt.type_string() }})
{%- endset -%}

{{ gtm_warehouse.source_base(
    'support',
    'support_users',
    columns=columns,
    key=key,
    latest_first='updated_at desc nulls last, loaded_at desc nulls last',
) }}
