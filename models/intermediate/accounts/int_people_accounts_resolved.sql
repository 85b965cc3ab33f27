{#- One row per customer person who can be tied to an account, with the account and the evidence used.
    Internal people (int_people_internal) are nobody's customers: they tie to no account.
    Evidence kinds rank by var gtm__account_evidence_priority (group calls and workspace membership
    first, the company email domain last; free-mail domains never count). Within the best kind, the
    account with most observations wins, then the most recent, then the smallest id. -#}
{%- set priority = var('gtm__account_evidence_priority') -%}

with

identities as (

    select
        identifier_type,
        identifier_value,
        person_id
    from {{ ref('int_identities_stitched') }}

),

internal_people as (

    select person_id from {{ ref('int_people_internal') }}

),

accounts as (

    select
        account_id,
        workspace_id,
        crm_account_id,
        domain
    from {{ ref('int_accounts_unified') }}

),

{% if var('using_crm') %}
    -- every live CRM account, merged ones included, with the account it resolved to
    crm_account_map as (

        select
            crm_account_id,
            account_id
        from {{ ref('int_crm_accounts_resolved') }}

    ),

{% endif %}

segment_group as (

    select
        user_id,
        group_id as workspace_id,
        count(*) as observations,
        max(event_at) as last_seen_at
    from {{ ref('stg_segment__groups') }}
    where user_id is not null
    group by user_id, group_id

),

{% if var('using_product_db') %}
    workspace_membership as (

        select
            user_id,
            workspace_id,
            1 as observations,
            coalesce(removed_at, updated_at, created_at) as last_seen_at
        from {{ ref('stg_product__workspace_users') }}
        where not is_removed

    ),

{% endif %}
{% if var('using_crm') %}
    crm_contact as (

        select
            contact_id,
            account_id as crm_account_id,
            1 as observations,
            modified_at as last_seen_at
        from {{ ref('stg_crm__contacts') }}
        where account_id is not null and not is_deleted

    ),

    crm_lead_conversion as (

        select
            lead_id,
            converted_account_id as crm_account_id,
            1 as observations,
            modified_at as last_seen_at
        from {{ ref('stg_crm__leads') }}
        where converted_account_id is not null and not is_deleted

    ),

{% endif %}
{% if var('using_support') %}
    support_organization as (

        select
            support_users.support_user_id,
            organizations.workspace_id,
            1 as observations,
            support_users.updated_at as last_seen_at
        from {{ ref('stg_support__users') }} as support_users
        inner join {{ ref('stg_support__organizations') }} as organizations
            on support_users.organization_id = organizations.organization_id
        where organizations.workspace_id is not null

    ),

{% endif %}
free_email_domains as (

    select domain from {{ ref('free_email_domains') }}

),

email_domain as (

    select
        identities.person_id,
        lower({{ dbt.split_part('identities.identifier_value', "'@'", 2) }}) as domain
    from identities
    where identities.identifier_type = 'email'

),

evidence as (

    select
        identities.person_id,
        accounts.account_id,
        'segment_group' as evidence_kind,
        segment_group.observations,
        segment_group.last_seen_at
    from segment_group
    inner join identities
        on identities.identifier_type = 'user_id' and segment_group.user_id = identities.identifier_value
    inner join accounts on segment_group.workspace_id = accounts.workspace_id
    {%- if var('using_product_db') %}
        union all
        select
            identities.person_id,
            accounts.account_id,
            'workspace_membership' as evidence_kind,
            workspace_membership.observations,
            workspace_membership.last_seen_at
        from workspace_membership
        inner join identities
            on identities.identifier_type = 'user_id' and workspace_membership.user_id = identities.identifier_value
        inner join accounts on workspace_membership.workspace_id = accounts.workspace_id
    {%- endif %}
    {%- if var('using_crm') %}
        union all
        select
            identities.person_id,
            crm_map.account_id,
            'crm_contact' as evidence_kind,
            crm_contact.observations,
            crm_contact.last_seen_at
        from crm_contact
        inner join identities
            on identities.identifier_type = 'crm_contact_id' and crm_contact.contact_id = identities.identifier_value
        inner join crm_account_map as crm_map on crm_contact.crm_account_id = crm_map.crm_account_id
        union all
        select
            identities.person_id,
            crm_map.account_id,
            'crm_lead_conversion' as evidence_kind,
            crm_lead_conversion.observations,
            crm_lead_conversion.last_seen_at
        from crm_lead_conversion
        inner join identities
            on identities.identifier_type = 'crm_lead_id' and crm_lead_conversion.lead_id = identities.identifier_value
        inner join crm_account_map as crm_map on crm_lead_conversion.crm_account_id = crm_map.crm_account_id
    {%- endif %}
    {%- if var('using_support') %}
        union all
        select
            identities.person_id,
            accounts.account_id,
            'support_organization' as evidence_kind,
            support_organization.observations,
            support_organization.last_seen_at
        from support_organization
        inner join identities
            on identities.identifier_type = 'support_user_id'
                and cast(support_organization.support_user_id as {{ dbt.type_string() }}) = identities.identifier_value
        inner join accounts on support_organization.workspace_id = accounts.workspace_id
    {%- endif %}
    union all
    select
        email_domain.person_id,
        accounts.account_id,
        'email_domain' as evidence_kind,
        1 as observations,
        cast(null as {{ dbt.type_timestamp() }}) as last_seen_at
    from email_domain
    left join free_email_domains on email_domain.domain = free_email_domains.domain
    inner join accounts on email_domain.domain = accounts.domain
    where free_email_domains.domain is null

),

scored as (

    select
        person_id,
        account_id,
        evidence_kind,
        case evidence_kind
            {%- for kind in priority %}
                when '{{ kind }}' then {{ loop.index0 }}
            {%- endfor %}
        end as evidence_rank,
        sum(observations) as observations,
        max(last_seen_at) as last_seen_at
    from evidence
    where person_id not in (select internal_people.person_id from internal_people)
    group by person_id, account_id, evidence_kind

),

ranked as (

    select
        *,
        row_number() over (
            partition by person_id
            order by evidence_rank asc, observations desc, last_seen_at desc, account_id asc
        ) as preference
    from scored

),

final as (

    select
        person_id,
        account_id,
        evidence_kind as account_evidence
    from ranked
    where preference = 1

)

select * from final
