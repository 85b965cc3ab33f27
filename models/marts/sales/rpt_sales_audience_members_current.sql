{#- Grain: one row per high-intent audience and person who is a member on the as-of day, with the
    person's lead and account for the CRM and sales-engagement exports. From the membership history. -#}
with

history as (

    select
        audience_key,
        person_id,
        entered_at,
        exited_at
    from {{ ref('fct_sales_audience_membership_history') }}

),

audiences as (

    select distinct
        audience_key,
        audience_name
    from {{ ref('sales_audiences') }}

),

dates as (

    select as_of_date from {{ ref('int_sales_dates_resolved') }}

),

leads as (

    select
        person_id,
        lead_id,
        account_id
    from {{ ref('int_leads_resolved') }}
    where is_primary_lead

),

people as (

    select
        person_id,
        primary_email,
        account_id
    from {{ ref('dim_people') }}

),

current_members as (

    select
        {{ dbt.hash(dbt.concat(['history.audience_key', "'|'", 'history.person_id'])) }} as audience_member_id,
        history.audience_key,
        audiences.audience_name,
        history.person_id,
        people.primary_email as email,
        leads.lead_id,
        coalesce(people.account_id, leads.account_id) as account_id,
        history.entered_at,
        dates.as_of_date
    from history
    cross join dates
    inner join audiences
        on history.audience_key = audiences.audience_key
    left join people
        on history.person_id = people.person_id
    left join leads
        on history.person_id = leads.person_id
    where {{ gtm_warehouse.audience_is_member_on('dates.as_of_date', 'history.entered_at', 'history.exited_at') }}

)

select * from current_members
