{#- Grain: one row per CRM lead (not soft-deleted): who it is, its person and account, its current signal
    threshold score and reasons (dim_person_signal_scores), its MQL state (fct_mql_episodes) and the
    profile-card metrics. Leads with no events still have a row (score = fit only). -#}
with

leads as (

    select
        lead_id,
        person_id,
        account_id,
        primary_lead_id,
        is_primary_lead,
        is_unresolved_person,
        email,
        first_name,
        last_name,
        company_name,
        job_title,
        lead_source,
        lead_status,
        is_open,
        is_converted,
        converted_contact_id,
        converted_opportunity_id,
        created_at,
        recycled_at,
        converted_at
    from {{ ref('int_leads_resolved') }}

),

scores as (

    select
        person_id,
        as_of_date,
        score,
        behaviour_score,
        colleague_score,
        firmographic_fit_score,
        title_fit_score,
        top_reasons,
        emails_today,
        last_visit_at,
        visits_this_week,
        top_pages
    from {{ ref('dim_person_signal_scores') }}

),

episodes as (

    select
        lead_id,
        episode_number,
        mql_at,
        is_current
    from {{ ref('fct_mql_episodes') }}

),

episode_summary as (

    select
        lead_id,
        count(*) as mql_episode_count,
        min(mql_at) as first_mql_at,
        max(mql_at) as last_mql_at,
        max(case when is_current then 1 else 0 end) = 1 as is_mql
    from episodes
    group by lead_id

),

final as (

    select
        leads.lead_id,
        leads.person_id,
        leads.account_id,
        leads.primary_lead_id,
        leads.is_primary_lead,
        leads.is_unresolved_person,
        leads.email,
        leads.first_name,
        leads.last_name,
        leads.company_name,
        leads.job_title,
        leads.lead_source,
        leads.lead_status,
        leads.is_open,
        leads.is_converted,
        leads.converted_contact_id,
        leads.converted_opportunity_id,
        leads.created_at,
        leads.recycled_at,
        leads.converted_at,
        scores.as_of_date,
        scores.score,
        scores.behaviour_score,
        scores.colleague_score,
        scores.firmographic_fit_score,
        scores.title_fit_score,
        scores.top_reasons,
        episode_summary.first_mql_at,
        episode_summary.last_mql_at,
        scores.emails_today,
        scores.last_visit_at,
        scores.visits_this_week,
        scores.top_pages,
        coalesce(episode_summary.is_mql, false) as is_mql,
        coalesce(episode_summary.mql_episode_count, 0) as mql_episode_count
    from leads
    inner join scores
        on leads.person_id = scores.person_id
    left join episode_summary
        on leads.lead_id = episode_summary.lead_id

)

select * from final
