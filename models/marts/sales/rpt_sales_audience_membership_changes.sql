{#- Grain: one row per high-intent audience and person whose membership changed since the previous daily
    build (the day before the as-of day): change_type entered or exited. Computed from the membership
    history (macro audience_membership_changes), never from files on disk, so a rebuild gives the same
    rows; this is what the CRM and sales-engagement exports send. -#}
with

history as (

    select
        audience_key,
        person_id,
        entered_at,
        exited_at
    from {{ ref('fct_sales_audience_membership_history') }}

),

dates as (

    select
        as_of_date,
        previous_as_of_date
    from {{ ref('int_sales_dates_resolved') }}

),

leads as (

    select
        person_id,
        lead_id
    from {{ ref('int_leads_resolved') }}
    where is_primary_lead

),

people as (

    select
        person_id,
        primary_email
    from {{ ref('dim_people') }}

),

changes as (

    {{ gtm_warehouse.audience_membership_changes(
        'history', '(select dates.as_of_date from dates)', '(select dates.previous_as_of_date from dates)'
    ) }}

),

final as (

    select
        {{ dbt.hash(dbt.concat(['changes.audience_key', "'|'", 'changes.person_id'])) }} as audience_change_id,
        changes.audience_key,
        changes.person_id,
        people.primary_email as email,
        leads.lead_id,
        changes.change_type,
        dates.previous_as_of_date as changed_after,
        dates.as_of_date as changed_on_or_before
    from changes
    cross join dates
    left join people
        on changes.person_id = people.person_id
    left join leads
        on changes.person_id = leads.person_id

)

select * from final
