{#- Who receives an account's monthly roundup: one row per account, month and person who is either among
    the account's gtm__roundup_top_users most active people that month (events; ties by person_id) or was
    added to the workspace within the last gtm__roundup_new_user_days days of the month (up to the
    reference time). People without a deliverable email are kept, flagged (has_deliverable_email false). -#}
{{ config(enabled=var('using_product_db')) }}

with

account_months as (

    select
        account_id,
        workspace_id,
        month_start,
        is_month_complete
    from {{ ref('rpt_account_monthly_metrics') }}

),

events as (

    select
        account_id,
        person_id,
        event_at
    from {{ ref('fct_events') }}
    where account_id is not null and person_id is not null

),

people as (

    select
        person_id,
        user_id,
        primary_email,
        full_name
    from {{ ref('dim_people') }}

),

members as (

    select
        workspace_id,
        user_id,
        created_at
    from {{ ref('stg_product__workspace_users') }}
    -- an erased person's memberships leave here (right to erasure: int_erased_identifiers)
    where not is_removed and {{ gtm_warehouse.not_erased([['user_id', 'user_id']], ref('int_erased_identifiers')) }}

),

deliverability as (

    select
        person_id,
        is_deliverable
    from {{ ref('int_email_deliverability_resolved') }}
    where person_id is not null

),

reference_time as (

    {{ gtm_warehouse.cs_reference_time() }}

),

month_windows as (

    select
        account_months.account_id,
        account_months.workspace_id,
        account_months.month_start,
        case
            when account_months.is_month_complete
                then {{ gtm_warehouse.timestamp_add('month', 1, 'account_months.month_start') }}
            else reference_time.as_of_at
        end as month_end
    from account_months
    cross join reference_time

),

activity as (

    select
        account_id,
        person_id,
        {{ dbt.date_trunc('month', 'event_at') }} as month_start,
        count(*) as events_in_month
    from events
    group by account_id, person_id, {{ dbt.date_trunc('month', 'event_at') }}

),

activity_ranked as (

    select
        account_id,
        person_id,
        month_start,
        events_in_month,
        row_number() over (
            partition by account_id, month_start order by events_in_month desc, person_id asc
        ) as activity_rank
    from activity

),

most_active as (

    select
        month_windows.account_id,
        month_windows.month_start,
        activity_ranked.person_id
    from month_windows
    inner join activity_ranked
        on
            month_windows.account_id = activity_ranked.account_id
            and month_windows.month_start = activity_ranked.month_start
    where activity_ranked.activity_rank <= {{ var('gtm__roundup_top_users') }}

),

recently_added as (

    select distinct
        month_windows.account_id,
        month_windows.month_start,
        people.person_id
    from month_windows
    inner join members
        on
            month_windows.workspace_id = members.workspace_id
            and month_windows.month_end > members.created_at
            and members.created_at
            >= {{ gtm_warehouse.timestamp_add(
                'day', -1 * var('gtm__roundup_new_user_days'), 'month_windows.month_end'
            ) }}
    inner join people on members.user_id = people.user_id

),

candidates as (

    select
        account_id,
        month_start,
        person_id
    from most_active
    union
    select
        account_id,
        month_start,
        person_id
    from recently_added

),

final as (

    select
        {{ dbt.concat([
            'candidates.account_id', "'|'",
            "cast(" ~ dbt.date_trunc('day', 'candidates.month_start') ~ " as " ~ dbt.type_string() ~ ")",
            "'|'", 'candidates.person_id',
        ]) }} as recipient_id,
        candidates.account_id,
        candidates.month_start,
        candidates.person_id,
        people.full_name,
        people.primary_email as email,
        coalesce(activity_ranked.events_in_month, 0) as events_in_month,
        activity_ranked.activity_rank,
        coalesce(activity_ranked.activity_rank <= {{ var('gtm__roundup_top_users') }}, false) as is_most_active,
        recently_added.person_id is not null as is_recently_added,
        people.primary_email is not null and coalesce(deliverability.is_deliverable, true) as has_deliverable_email
    from candidates
    left join people on candidates.person_id = people.person_id
    left join activity_ranked
        on
            candidates.account_id = activity_ranked.account_id
            and candidates.month_start = activity_ranked.month_start
            and candidates.person_id = activity_ranked.person_id
    left join recently_added
        on
            candidates.account_id = recently_added.account_id
            and candidates.month_start = recently_added.month_start
            and candidates.person_id = recently_added.person_id
    left join deliverability on candidates.person_id = deliverability.person_id

)

select * from final
