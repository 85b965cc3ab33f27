{#- One row per live CRM account, with the account it resolves to and the evidence of the merge.
    A CRM account joins a product workspace by the strongest evidence, in the order of var
    gtm__account_match_priority: the CRM's workspace id field (workspace_id), its company domain (website,
    else its contacts' email domain) equal to the workspace's domain (crm_domain), or equal to the domain
    of the workspace's support organization (support_organization_domain). Free-mail and internal domains
    (seed free_email_domains, var gtm__internal_email_domains) are never evidence. CRM accounts that match
    no workspace are one account per domain (crm_duplicate_domain for the later ones), else their own
    (crm_only). Soft-deleted CRM accounts and contacts are no evidence at all. -#}
{%- set match_priority = var('gtm__account_match_priority') -%}
{%- set internal_domain_list = var('gtm__internal_email_domains') | map('lower') | list -%}
{%- set internal_domains = '(' ~ gtm_warehouse.sql_string_list(internal_domain_list) ~ ')' -%}
{{ config(enabled=var('using_crm')) }}

with

workspaces as (

    select
        workspace_id,
        domain as workspace_domain
    from {{ ref('int_workspaces_unified') }}

),

crm_accounts as (

    select
        account_id as crm_account_id,
        workspace_id as workspace_id_field,
        lower(
            {{ gtm_warehouse.url_host("case when website like '%://%' then website else 'https://' || website end") }}
        ) as website_domain,
        created_at
    from {{ ref('stg_crm__accounts') }}
    where not coalesce(is_deleted, false)

),

free_email_domains as (

    select domain from {{ ref('free_email_domains') }}

),

contact_domains as (

    select
        contacts.account_id as crm_account_id,
        contacts.email_domain,
        count(*) as contacts
    from {{ ref('stg_crm__contacts') }} as contacts
    left join free_email_domains on contacts.email_domain = free_email_domains.domain
    where
        not coalesce(contacts.is_deleted, false)
        and contacts.account_id is not null
        and contacts.email_domain is not null
        and free_email_domains.domain is null
        and contacts.email_domain not in {{ internal_domains }}
        and {{ gtm_warehouse.not_erased(
            [['crm_contact_id', 'contacts.contact_id'], ['email', 'contacts.email']], ref('int_erased_identifiers')) }}
    group by contacts.account_id, contacts.email_domain

),

top_contact_domain as (

    select
        crm_account_id,
        email_domain
    from (
        select
            crm_account_id,
            email_domain,
            row_number() over (partition by crm_account_id order by contacts desc, email_domain asc) as domain_rank
        from contact_domains
    ) as ranked
    where domain_rank = 1

),

crm_with_domain as (

    select
        crm_accounts.crm_account_id,
        crm_accounts.workspace_id_field,
        crm_accounts.created_at,
        case
            when free_email_domains.domain is null
                and coalesce(crm_accounts.website_domain, '') not in {{ internal_domains }}
                then coalesce(crm_accounts.website_domain, top_contact_domain.email_domain)
            else top_contact_domain.email_domain
        end as crm_domain
    from crm_accounts
    left join free_email_domains on crm_accounts.website_domain = free_email_domains.domain
    left join top_contact_domain on crm_accounts.crm_account_id = top_contact_domain.crm_account_id

),

{% if var('using_support') %}
    support_domains as (

        select
            organizations.workspace_id,
            lower(trim({{ dbt.split_part('organizations.domain_names', "','", 1) }})) as support_domain
        from {{ ref('stg_support__organizations') }} as organizations
        inner join workspaces on organizations.workspace_id = workspaces.workspace_id
        where organizations.domain_names is not null

    ),

{% endif %}
candidates as (

    select
        crm_account_id,
        workspace_id_field as workspace_id,
        'workspace_id' as account_match_evidence
    from crm_with_domain
    where workspace_id_field is not null
    union all
    select
        crm_with_domain.crm_account_id,
        workspaces.workspace_id,
        'crm_domain' as account_match_evidence
    from crm_with_domain
    inner join workspaces on crm_with_domain.crm_domain = workspaces.workspace_domain
    {%- if var('using_support') %}
        union all
        select
            crm_with_domain.crm_account_id,
            support_domains.workspace_id,
            'support_organization_domain' as account_match_evidence
        from crm_with_domain
        inner join support_domains on crm_with_domain.crm_domain = support_domains.support_domain
    {%- endif %}

),

best_match as (

    select
        crm_account_id,
        workspace_id,
        account_match_evidence,
        match_rank
    from (
        select
            crm_account_id,
            workspace_id,
            account_match_evidence,
            case account_match_evidence
                {%- for evidence in match_priority %}
                    when '{{ evidence }}' then {{ loop.index0 }}
                {%- endfor %}
            end as match_rank,
            row_number() over (
                partition by crm_account_id
                order by
                    case account_match_evidence
                        {%- for evidence in match_priority %}
                            when '{{ evidence }}' then {{ loop.index0 }}
                        {%- endfor %}
                    end,
                    workspace_id
            ) as preference
        from candidates
        where account_match_evidence in ({{ gtm_warehouse.sql_string_list(match_priority) }})
    ) as ranked
    where preference = 1

),

matched as (

    select
        crm_with_domain.crm_account_id,
        crm_with_domain.crm_domain,
        crm_with_domain.created_at,
        best_match.workspace_id,
        best_match.account_match_evidence,
        best_match.match_rank
    from crm_with_domain
    left join best_match on crm_with_domain.crm_account_id = best_match.crm_account_id

),

-- one account per company: CRM accounts that reached no workspace group by domain
grouped as (

    select
        crm_account_id,
        crm_domain,
        workspace_id,
        account_match_evidence,
        row_number() over (
            partition by coalesce(workspace_id, crm_domain, crm_account_id), workspace_id is null
            order by coalesce(match_rank, 0), created_at is null, created_at, crm_account_id
        ) as crm_rank,
        first_value(crm_account_id) over (
            partition by coalesce(workspace_id, crm_domain, crm_account_id), workspace_id is null
            order by coalesce(match_rank, 0), created_at is null, created_at, crm_account_id
            rows between unbounded preceding and unbounded following
        ) as primary_crm_account_id
    from matched

),

final as (

    select
        crm_account_id,
        {{ dbt.hash(dbt.concat([
            "case when workspace_id is not null then 'workspace|' else 'crm_account|' end",
            "coalesce(workspace_id, primary_crm_account_id)",
        ])) }} as account_id,
        workspace_id,
        crm_domain,
        case
            when workspace_id is not null then account_match_evidence
            when crm_rank > 1 then 'crm_duplicate_domain'
            else 'crm_only'
        end as account_match_evidence,
        crm_rank = 1 as is_primary
    from grouped

)

select * from final
