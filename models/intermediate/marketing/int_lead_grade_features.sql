{#- One row per CRM lead: the lead grade's model inputs (columns f_*), known at the lead's creation time,
    and its label (an opportunity on the lead's account within gtm__lead_grade_window_days). -#}
{{ config(materialized='table', enabled=var('using_crm', true)) }}

{%- set lookback_days = var('gtm__lead_grade_lookback_days') %}
{%- set window_days = var('gtm__lead_grade_window_days') %}
{%- set title_matches = gtm_warehouse.regexp_matches_expression(
    'leads_people.job_title_lower', 'job_title_rules.title_pattern'
) %}

with

leads as (

    select
        lead_id,
        email_domain,
        job_title,
        number_of_employees,
        converted_opportunity_id,
        created_at
    from {{ ref('stg_crm__leads') }}
    -- erased people's leads leave here (right to erasure: int_erased_identifiers)
    where
        not coalesce(is_deleted, false)
        and {{ gtm_warehouse.not_erased(
            [['crm_lead_id', 'lead_id'], ['email', 'email'], ['crm_contact_id', 'converted_contact_id']], ref('int_erased_identifiers')
        ) }}

),

identities as (

    select
        identifier_value,
        person_id
    from {{ ref('int_identities_stitched') }}
    where identifier_type = 'crm_lead_id'

),

people as (

    select
        person_id,
        account_id
    from {{ ref('dim_people') }}

),

-- every live CRM account on its resolved account (duplicates merged by evidence, accounts without the
-- workspace id field included): an opportunity on any of them is on the lead's account
crm_accounts as (

    select
        crm_account_id,
        account_id
    from {{ ref('int_crm_accounts_resolved') }}

),

events as (

    select
        person_id,
        account_id,
        session_id,
        event_name,
        page_path,
        event_at
    from {{ ref('fct_events') }}

),

-- each distinct viewed path is matched against the key page patterns once, not once per page view
viewed_paths as (

    select distinct page_path
    from {{ ref('fct_events') }}
    where event_name = 'page_viewed'

),

crm_opportunities as (

    select
        opportunity_id,
        account_id as crm_account_id,
        created_at
    from {{ ref('stg_crm__opportunities') }}
    where not coalesce(is_deleted, false)

),

opportunities as (

    select
        crm_opportunities.opportunity_id,
        crm_accounts.account_id,
        crm_opportunities.created_at
    from crm_opportunities
    left join crm_accounts on crm_opportunities.crm_account_id = crm_accounts.crm_account_id

),

free_email_domains as (

    select domain from {{ ref('free_email_domains') }}

),

key_pages as (

    select
        key_page,
        page_path_pattern
    from {{ ref('key_pages') }}

),

job_title_rules as (

    select
        rule_type,
        priority,
        title_pattern,
        rule_value
    from {{ ref('job_title_rules') }}

),

role_personas as (

    select
        role,
        is_technical
    from {{ ref('role_personas') }}

),

-- The CRM's horizon: a lead's label is known once its whole window lies before the newest CRM record.
crm_horizon as (

    select max(created_at) as observed_until
    from (
        select created_at from leads
        union all
        select created_at from opportunities
    ) as crm_records

),

leads_people as (

    select
        leads.lead_id,
        leads.email_domain,
        leads.number_of_employees,
        leads.converted_opportunity_id,
        leads.created_at,
        identities.person_id,
        people.account_id,
        lower(trim(leads.job_title)) as job_title_lower,
        free_email_domains.domain is not null as is_free_email
    from leads
    left join identities on leads.lead_id = identities.identifier_value
    left join people on identities.person_id = people.person_id
    left join free_email_domains on leads.email_domain = free_email_domains.domain

),

-- Job title -> role: the matching role rule with the lowest priority; no match: 'Other'.
title_roles as (

    select
        leads_people.lead_id,
        job_title_rules.rule_value as title_role,
        row_number() over (
            partition by leads_people.lead_id
            order by job_title_rules.priority, job_title_rules.rule_value
        ) as rule_rank
    from leads_people
    inner join job_title_rules
        on
            job_title_rules.rule_type = 'role'
            and {{ title_matches }}

),

title_seniority as (

    select distinct leads_people.lead_id
    from leads_people
    inner join job_title_rules
        on
            job_title_rules.rule_type = 'seniority'
            and {{ title_matches }}

),

-- one row per viewed path and key page it matches (a path matching two key pages counts twice, as before)
key_page_paths as (

    select
        viewed_paths.page_path,
        key_pages.key_page
    from viewed_paths
    inner join key_pages
        on {{ gtm_warehouse.regexp_matches_expression('viewed_paths.page_path', 'key_pages.page_path_pattern') }}

),

-- The lead's own behaviour in the lookback window up to its creation.
own_events as (

    select
        leads_people.lead_id,
        events.session_id,
        events.event_name,
        events.page_path
    from leads_people
    inner join events
        on
            leads_people.person_id = events.person_id
            and leads_people.created_at >= events.event_at
            and events.event_at > {{ gtm_warehouse.timestamp_add_days('leads_people.created_at', -lookback_days) }}

),

own_key_pages as (

    select
        own_events.lead_id,
        count(*) as key_page_views
    from own_events
    inner join key_page_paths
        on
            own_events.event_name = 'page_viewed'
            and own_events.page_path = key_page_paths.page_path
    group by own_events.lead_id

),

own_behaviour as (

    select
        lead_id,
        count(*) as behaviour_event_count,
        sum(case when event_name = 'page_viewed' then 1 else 0 end) as page_views,
        count(distinct session_id) as sessions,
        max(case when event_name = 'demo_requested' then 1 else 0 end) as has_demo_request,
        max(case when event_name = 'content_downloaded' then 1 else 0 end) as has_content_download,
        max(case when event_name = 'webinar_registered' then 1 else 0 end) as has_webinar_registration,
        max(case when event_name = 'signed_up' then 1 else 0 end) as is_signed_up
    from own_events
    group by lead_id

),

-- Colleagues: other people of the same account, in the same window up to the lead's creation.
colleague_events as (

    select
        leads_people.lead_id,
        events.person_id,
        events.event_name
    from leads_people
    inner join events
        on
            leads_people.account_id = events.account_id
            and leads_people.person_id != events.person_id
            and leads_people.created_at >= events.event_at
            and events.event_at > {{ gtm_warehouse.timestamp_add_days('leads_people.created_at', -lookback_days) }}

),

colleague_behaviour as (

    select
        lead_id,
        count(distinct person_id) as active_colleagues,
        count(distinct case when event_name = 'signed_up' then person_id end) as signed_up_colleagues,
        max(case when event_name = 'demo_requested' then 1 else 0 end) as has_colleague_demo_request
    from colleague_events
    group by lead_id

),

-- Label: an opportunity on the lead's account (or the lead's own converted opportunity) created
-- within the window after the lead.
labels as (

    select
        leads_people.lead_id,
        max(case
            when
                opportunities.created_at >= leads_people.created_at
                and opportunities.created_at
                < {{ gtm_warehouse.timestamp_add_days('leads_people.created_at', window_days) }}
                then 1
            else 0
        end) as has_opportunity_in_window
    from leads_people
    inner join opportunities
        on
            leads_people.account_id = opportunities.account_id
            or leads_people.converted_opportunity_id = opportunities.opportunity_id
    group by leads_people.lead_id

),

features as (

    select
        leads_people.lead_id,
        leads_people.person_id,
        leads_people.account_id,
        leads_people.created_at as lead_created_at,
        cast(coalesce(own_behaviour.has_demo_request, 0) as double) as f_has_demo_request,
        cast(coalesce(own_behaviour.has_content_download, 0) as double) as f_has_content_download,
        cast(coalesce(own_behaviour.has_webinar_registration, 0) as double)
            as f_has_webinar_registration,
        cast(coalesce(own_behaviour.is_signed_up, 0) as double) as f_is_signed_up,
        cast(case when leads_people.number_of_employees is null then 1 else 0 end as double) as f_is_employees_missing,
        cast(case when leads_people.is_free_email then 1 else 0 end as double) as f_is_free_email,
        cast(case when coalesce(role_personas.is_technical, false) then 1 else 0 end as double)
            as f_is_technical_title,
        cast(case when title_seniority.lead_id is not null then 1 else 0 end as double)
            as f_is_decision_maker_title,
        cast(least(coalesce(colleague_behaviour.signed_up_colleagues, 0), 3) as double)
            as f_signed_up_colleagues,
        cast(coalesce(colleague_behaviour.has_colleague_demo_request, 0) as double)
            as f_has_colleague_demo_request,
        leads_people.person_id is not null as has_person_match,
        coalesce(title_roles.title_role, 'Other') as title_role,
        coalesce(own_behaviour.behaviour_event_count, 0) as behaviour_event_count,
        ln(1 + coalesce(own_behaviour.page_views, 0)) as f_log_page_views,
        ln(1 + coalesce(own_behaviour.sessions, 0)) as f_log_sessions,
        ln(1 + coalesce(own_key_pages.key_page_views, 0)) as f_log_key_page_views,
        ln(1 + coalesce(leads_people.number_of_employees, 0)) as f_log_employees,
        ln(1 + coalesce(colleague_behaviour.active_colleagues, 0)) as f_log_active_colleagues,
        {{ gtm_warehouse.timestamp_add_days('leads_people.created_at', window_days) }} <= crm_horizon.observed_until
            as is_label_observed,
        case
            when {{ gtm_warehouse.timestamp_add_days('leads_people.created_at', window_days) }}
                <= crm_horizon.observed_until
                then coalesce(labels.has_opportunity_in_window, 0)
        end as is_qualified_in_window
    from leads_people
    cross join crm_horizon
    left join title_roles on leads_people.lead_id = title_roles.lead_id and title_roles.rule_rank = 1
    left join role_personas on coalesce(title_roles.title_role, 'Other') = role_personas.role
    left join title_seniority on leads_people.lead_id = title_seniority.lead_id
    left join own_behaviour on leads_people.lead_id = own_behaviour.lead_id
    left join own_key_pages on leads_people.lead_id = own_key_pages.lead_id
    left join colleague_behaviour on leads_people.lead_id = colleague_behaviour.lead_id
    left join labels on leads_people.lead_id = labels.lead_id

)

select * from features
