{#- One row per account (the company a person works for), from every system that knows it:
    product workspaces (the database, or Segment group calls when the product database is off) and
    CRM accounts, joined on the CRM's workspace id. `account_id` is stable: derived from the workspace
    id when there is one, else from the CRM account id. -#}
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

{% if var('using_crm') %}
    crm_accounts as (

        select
            account_id as crm_account_id,
            workspace_id,
            account_name,
            website,
            industry,
            number_of_employees,
            created_at
        from {{ ref('stg_crm__accounts') }}
        where not is_deleted

    ),

{% endif %}
joined as (

    select
        coalesce(workspaces.workspace_id, {{ 'crm_accounts.workspace_id' if var('using_crm') else 'null' }})
            as workspace_id,
        {%- if var('using_crm') %}
            crm_accounts.crm_account_id,
            coalesce(crm_accounts.account_name, workspaces.workspace_name) as account_name,
            coalesce(crm_accounts.website, workspaces.website) as website,
            coalesce(crm_accounts.industry, workspaces.industry) as industry,
            coalesce(crm_accounts.number_of_employees, workspaces.employees) as employees,
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as crm_account_id,
        workspaces.workspace_name as account_name,
        workspaces.website,
        workspaces.industry,
        workspaces.employees,
        {%- endif %}
        workspaces.workspace_name,
        workspaces.owner_email_domain,
        workspaces.created_at as workspace_created_at
    from workspaces
    {%- if var('using_crm') %}
    full outer join crm_accounts on workspaces.workspace_id = crm_accounts.workspace_id
    {%- endif %}

),

with_domain as (

    select
        *,
        lower(coalesce(
            {{ gtm_warehouse.url_host("case when website like '%://%' then website else 'https://' || website end") }},
            owner_email_domain
        )) as candidate_domain
    from joined

),

free_email_domains as (

    select domain from {{ ref('free_email_domains') }}

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "case when with_domain.workspace_id is not null then 'workspace|' else 'crm_account|' end",
            "coalesce(with_domain.workspace_id, with_domain.crm_account_id)",
        ])) }} as account_id,
        with_domain.workspace_id,
        with_domain.crm_account_id,
        with_domain.account_name,
        with_domain.workspace_name,
        with_domain.industry,
        with_domain.employees,
        with_domain.workspace_created_at,
        -- a free-mail domain (gmail.com...) says nothing about the company
        case when free_email_domains.domain is null then with_domain.candidate_domain end as domain
    from with_domain
    left join free_email_domains on with_domain.candidate_domain = free_email_domains.domain

)

select * from final
