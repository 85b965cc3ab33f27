{#- Current members of the persona audiences, for the email tool: one row per audience and person who is a
    member at the end of the as-of day (int_sales_dates_resolved: the day of the newest event, the same day
    every audience export uses), with the email to send to. From the membership history alone (shared
    audience pattern, macro audience_is_member_on), so a rebuild of the same data gives the same rows. -#}

with

memberships as (

    select
        audience_key,
        person_id,
        persona,
        milestone,
        entered_at,
        exited_at
    from {{ ref('fct_persona_audience_memberships') }}

),

dates as (

    select as_of_date from {{ ref('int_sales_dates_resolved') }}

),

-- the history holds timestamps: "a member on the as-of day" is a member at the end of that day
cutoffs as (

    select {{ gtm_warehouse.timestamp_add_days('cast(as_of_date as ' ~ dbt.type_timestamp() ~ ')', 1) }} as as_of_at
    from dates

),

current_members as (

    select
        memberships.audience_key,
        memberships.person_id,
        memberships.persona,
        memberships.milestone,
        memberships.entered_at
    from memberships
    cross join cutoffs
    where {{ gtm_warehouse.audience_is_member_on(
        'cutoffs.as_of_at', 'memberships.entered_at', 'memberships.exited_at'
    ) }}

),

people as (

    select
        person_id,
        primary_email
    from {{ ref('dim_people') }}

),

final as (

    select
        {{ dbt.concat(['current_members.audience_key', "'|'", 'current_members.person_id']) }} as audience_member_key,
        current_members.audience_key,
        current_members.person_id,
        current_members.persona,
        current_members.milestone,
        current_members.entered_at,
        people.primary_email as email,
        people.primary_email is not null as has_email
    from current_members
    left join people on current_members.person_id = people.person_id

)

select * from final
