{#- One row per customer person: every profile the identity graph or the events know, anonymous visitors
    included. Identifiers, first/last seen, roles and persona, company, account and lifecycle stage.
    Internal people (staff: int_people_internal) are not here (they are in dim_internal_people), and
    people who asked to be forgotten are absent upstream already (int_erased_identifiers): marts that
    read dim_people never filter either by hand. -#}
with

identities as (

    select
        identifier_type,
        identifier_value,
        person_id,
        hops_to_anchor
    from {{ ref('int_identities_stitched') }}

),

events as (

    select
        person_id,
        event_type,
        event_at
    from {{ ref('fct_events') }}
    where not is_internal

),

internal_people as (

    select person_id from {{ ref('int_people_internal') }}

),

identifies as (

    select
        user_id,
        anonymous_id,
        role,
        roles,
        job_title,
        company_name,
        full_name,
        event_at
    from {{ ref('stg_segment__identifies') }}
    where {{ gtm_warehouse.not_erased(
        [['anonymous_id', 'anonymous_id'], ['user_id', 'user_id'], ['email', 'email']], ref('int_erased_identifiers')) }}

),

signups as (

    select
        user_id,
        anonymous_id,
        roles,
        company_name,
        event_at
    from {{ ref('stg_segment__signed_up') }}
    where {{ gtm_warehouse.not_erased(
        [['anonymous_id', 'anonymous_id'], ['user_id', 'user_id'], ['email', 'email']], ref('int_erased_identifiers')) }}

),

people_accounts as (

    select
        person_id,
        account_id,
        account_evidence
    from {{ ref('int_people_accounts_resolved') }}

),

accounts as (

    select
        account_id,
        is_paying
    from {{ ref('dim_accounts') }}

),

role_personas as (

    select
        role,
        persona,
        is_technical
    from {{ ref('role_personas') }}

),

identifier_summary as (

    select
        person_id,
        max(case when identifier_type = 'user_id' then identifier_value end) as user_id,
        count(case when identifier_type = 'anonymous_id' then 1 end) as anonymous_id_count,
        count(case when identifier_type = 'email' then 1 end) as email_count,
        min(case when identifier_type = 'crm_lead_id' then identifier_value end) as crm_lead_id,
        min(case when identifier_type = 'crm_contact_id' then identifier_value end) as crm_contact_id,
        min(case when identifier_type = 'support_user_id' then identifier_value end) as support_user_id
    from identities
    group by person_id

),

emails_ranked as (

    select
        person_id,
        identifier_value as email,
        row_number() over (partition by person_id order by hops_to_anchor, identifier_value) as email_rank
    from identities
    where identifier_type = 'email'

),

event_summary as (

    select
        person_id,
        min(event_at) as first_seen_at,
        max(event_at) as last_seen_at,
        count(*) as event_count,
        sum(case when event_type = 'page' then 1 else 0 end) as page_count
    from events
    group by person_id

),

-- traits: the latest non-empty value per person, from identify calls and the signup form
trait_rows as (

    select
        {{ gtm_warehouse.resolve_event_person('identifies.user_id', 'identifies.anonymous_id') }} as person_id,
        coalesce(identifies.roles, identifies.role) as roles,
        identifies.job_title,
        identifies.company_name,
        identifies.full_name,
        identifies.event_at
    from identifies
    {{ gtm_warehouse.identity_joins('identifies.user_id', 'identifies.anonymous_id') }}
    union all
    select
        {{ gtm_warehouse.resolve_event_person('signups.user_id', 'signups.anonymous_id') }} as person_id,
        signups.roles,
        cast(null as {{ dbt.type_string() }}) as job_title,
        signups.company_name,
        cast(null as {{ dbt.type_string() }}) as full_name,
        signups.event_at
    from signups
    {{ gtm_warehouse.identity_joins('signups.user_id', 'signups.anonymous_id') }}

),

{%- for trait in ['roles', 'job_title', 'company_name', 'full_name'] %}

    latest_{{ trait }} as (

        select
            person_id,
            {{ trait }}
        from (
            select
                person_id,
                {{ trait }},
                row_number() over (partition by person_id order by event_at desc, {{ trait }} asc) as recency
            from trait_rows
            where {{ trait }} is not null
        ) as ranked
        where recency = 1

    ),
{%- endfor %}

personas as (

    select
        latest_roles.person_id,
        max(case when role_personas.is_technical then 1 else 0 end) = 1 as is_technical
    from latest_roles
    inner join role_personas
        on {{ dbt.concat(["','", "replace(latest_roles.roles, ', ', ',')", "','"]) }}
            like {{ dbt.concat(["'%,'", "role_personas.role", "',%'"]) }}
    group by latest_roles.person_id

),

people as (

    select all_people.person_id
    from (
        select person_id from identities
        union
        select person_id from event_summary
    ) as all_people
    where all_people.person_id not in (select internal_people.person_id from internal_people)

),

final as (

    select
        people.person_id,
        identifier_summary.user_id,
        emails_ranked.email as primary_email,
        identifier_summary.crm_lead_id,
        identifier_summary.crm_contact_id,
        identifier_summary.support_user_id,
        latest_full_name.full_name,
        latest_roles.roles,
        latest_job_title.job_title,
        latest_company_name.company_name,
        people_accounts.account_id,
        people_accounts.account_evidence,
        event_summary.first_seen_at,
        event_summary.last_seen_at,
        coalesce(identifier_summary.email_count, 0) as email_count,
        coalesce(identifier_summary.anonymous_id_count, 0) as anonymous_id_count,
        case
            when personas.is_technical then 'technical'
            when personas.person_id is not null then 'non-technical'
        end as persona,
        case
            when accounts.is_paying then 'customer'
            when identifier_summary.user_id is not null then 'signed_up'
            when identifier_summary.email_count > 0
                or identifier_summary.crm_lead_id is not null
                or identifier_summary.crm_contact_id is not null then 'lead'
            else 'visitor'
        end as lifecycle_stage,
        coalesce(event_summary.event_count, 0) as event_count,
        coalesce(event_summary.page_count, 0) as page_count
    from people
    left join identifier_summary on people.person_id = identifier_summary.person_id
    left join emails_ranked on people.person_id = emails_ranked.person_id and emails_ranked.email_rank = 1
    left join event_summary on people.person_id = event_summary.person_id
    left join latest_roles on people.person_id = latest_roles.person_id
    left join latest_job_title on people.person_id = latest_job_title.person_id
    left join latest_company_name on people.person_id = latest_company_name.person_id
    left join latest_full_name on people.person_id = latest_full_name.person_id
    left join personas on people.person_id = personas.person_id
    left join people_accounts on people.person_id = people_accounts.person_id
    left join accounts on people_accounts.account_id = accounts.account_id

)

select * from final
