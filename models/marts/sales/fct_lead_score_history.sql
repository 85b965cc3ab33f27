{#- Grain: one row per CRM lead and day on which its signal threshold score changed. A lead carries the
    score of its person (fct_person_score_history), including the behaviour before the lead was created,
    so a rep sees the whole rise; two leads of one person show the same history. -#}
with

leads as (

    select
        lead_id,
        person_id,
        is_primary_lead
    from {{ ref('int_leads_resolved') }}

),

history as (

    select
        person_id,
        score_date,
        score,
        previous_score,
        score_change,
        is_current
    from {{ ref('fct_person_score_history') }}

),

lead_history as (

    select
        {{ dbt.hash(dbt.concat(['leads.lead_id', "'|'", 'cast(history.score_date as ' ~ dbt.type_string() ~ ')'])) }}
            as lead_score_history_id,
        leads.lead_id,
        leads.person_id,
        leads.is_primary_lead,
        history.score_date,
        history.score,
        history.previous_score,
        history.score_change,
        history.is_current
    from leads
    inner join history
        on leads.person_id = history.person_id

)

select * from lead_history
