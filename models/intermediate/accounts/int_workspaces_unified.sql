{#- One row per product workspace: from the product database, else (or when it is switched off) from
    Segment group calls, with the company domain it shows: the group's website host, else the owner's
    email domain; never a free-mail or internal domain. Rows of people who asked to be forgotten
    (int_erased_identifiers) are no evidence: the result is what data without them would give. -#}
{%- set internal_domain_list = var('gtm__internal_email_domains') | map('lower') | list -%}
{%- set internal_domains = '(' ~ gtm_warehouse.sql_string_list(internal_domain_list) ~ ')' -%}
with

groups as (

    select
        group_id as workspace_id,
        group_name,
        industry,
        employees,
        website,
        event_at
    from {{ ref('stg_segment__groups') }}
    where {{ gtm_warehouse.not_erased(
        [['anonymous_id', 'anonymous_id'], ['user_id', 'user_id']], ref('int_erased_identifiers')
    ) }}

),

group_traits as (

    select
        workspace_id,
        min(event_at) as first_grouped_at,
        max(group_name) as group_name,
        max(industry) as industry,
        max(employees) as employees,
        max(website) as website
    from groups
    group by workspace_id

),

{% if var('using_product_db') %}
    product_workspaces as (

        select
            workspace_id,
            workspace_name,
            owner_user_id,
            created_at
        from {{ ref('stg_product__workspaces') }}

    ),

    product_owners as (

        select
            user_id,
            email_domain
        from {{ ref('stg_product__users') }}
        where {{ gtm_warehouse.not_erased(
            [['user_id', 'user_id'], ['email', 'email']], ref('int_erased_identifiers')
        ) }}

    ),

{% endif %}
workspaces as (

    select
        group_traits.workspace_id,
        group_traits.group_name as workspace_name,
        cast(null as {{ dbt.type_string() }}) as owner_email_domain,
        group_traits.first_grouped_at as created_at,
        group_traits.industry,
        group_traits.employees,
        group_traits.website
    from group_traits
    {%- if var('using_product_db') %}
        where group_traits.workspace_id not in (select product_workspaces.workspace_id from product_workspaces)
        union all
        select
            product_workspaces.workspace_id,
            product_workspaces.workspace_name,
            product_owners.email_domain as owner_email_domain,
            product_workspaces.created_at,
            group_traits.industry,
            group_traits.employees,
            group_traits.website
        from product_workspaces
        left join product_owners on product_workspaces.owner_user_id = product_owners.user_id
        left join group_traits on product_workspaces.workspace_id = group_traits.workspace_id
    {%- endif %}

),

free_email_domains as (

    select domain from {{ ref('free_email_domains') }}

),

with_domain as (

    select
        workspaces.*,
        lower(coalesce(
            {{ gtm_warehouse.url_host(
                "case when workspaces.website like '%://%' then workspaces.website else 'https://' || workspaces.website end"
            ) }},
            workspaces.owner_email_domain
        )) as candidate_domain
    from workspaces

),

final as (

    select
        with_domain.workspace_id,
        with_domain.workspace_name,
        with_domain.industry,
        with_domain.employees,
        with_domain.website,
        with_domain.created_at,
        case
            when free_email_domains.domain is null and with_domain.candidate_domain not in {{ internal_domains }}
                then with_domain.candidate_domain
        end as domain
    from with_domain
    left join free_email_domains on with_domain.candidate_domain = free_email_domains.domain

)

select * from final
