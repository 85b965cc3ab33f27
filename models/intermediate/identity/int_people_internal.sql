{#- One row per internal person: the company's own staff, recognised by any of their identifiers
    (support agents and admins by role, var gtm__internal_support_roles; anyone with an email on one of
    the company's domains, var gtm__internal_email_domains; product users flagged is_staff).
    Customer marts leave these people out (dim_people, accounts, funnels); their events stay in
    fct_events and fct_sessions flagged is_internal. An identifier the graph never linked is its own
    person (the hash of its label, as macro resolve_event_person computes it). -#}
{%- set string = dbt.type_string() -%}
with

identities as (

    select
        identifier_type,
        identifier_value,
        person_id
    from {{ ref('int_identities_stitched') }}

),

{% if var('using_support') %}
    support_staff as (

        select
            'support_user_id' as identifier_type,
            cast(support_user_id as {{ string }}) as identifier_value,
            'support_staff_role' as internal_reason
        from {{ ref('stg_support__users') }}
        where user_role in ({{ gtm_warehouse.sql_string_list(var('gtm__internal_support_roles')) }})

    ),

{% endif %}
{% if var('using_product_db') %}
    product_staff as (

        select
            'user_id' as identifier_type,
            user_id as identifier_value,
            'staff_product_user' as internal_reason
        from {{ ref('stg_product__users') }}
        where is_staff

    ),

{% endif %}
internal_emails as (

    select
        identifier_type,
        identifier_value,
        'internal_email_domain' as internal_reason
    from identities
    where
        identifier_type = 'email'
        and {{ dbt.split_part('identifier_value', "'@'", 2) }}
        in ({{ gtm_warehouse.sql_string_list(var('gtm__internal_email_domains') | map('lower') | list) }})

),

internal_identifiers as (

    select
        identifier_type,
        identifier_value,
        internal_reason
    from internal_emails
    {%- if var('using_support') %}
        union all
        select
            identifier_type,
            identifier_value,
            internal_reason
        from support_staff
    {%- endif %}
    {%- if var('using_product_db') %}
        union all
        select
            identifier_type,
            identifier_value,
            internal_reason
        from product_staff
    {%- endif %}

),

resolved as (

    select
        coalesce(
            identities.person_id,
            {{ gtm_warehouse.person_id_from_label(
                gtm_warehouse.identity_label('internal_identifiers.identifier_type', 'internal_identifiers.identifier_value')
            ) }}
        ) as person_id,
        internal_identifiers.internal_reason
    from internal_identifiers
    left join identities
        on
            internal_identifiers.identifier_type = identities.identifier_type
            and internal_identifiers.identifier_value = identities.identifier_value

),

final as (

    select
        person_id,
        min(internal_reason) as internal_reason,
        count(distinct internal_reason) as internal_reason_count
    from resolved
    group by person_id

)

select * from final
