{#- NPS eligibility: one row per survey wave and candidate person (people with a product account, first
    seen before the wave). A wave starts on the first day of each calendar quarter with data, up to the
    reference time; wave_id is `nps_<year>_q<n>`. Every exclusion that applies is checked and the one with
    the lowest precedence in seed nps_exclusion_reasons is reported: no email, deletion request, hard
    bounce or unsubscribe before the wave, account not on a paid plan at the wave start (free, churned, or
    no subscription at all), no event within gtm__nps_active_days, answered within gtm__nps_cooldown_days;
    of the people left, the gtm__nps_max_people_per_account most active per account (events in the window,
    ties by person_id) are selected, the others get account_quota_reached. -#}
{{ config(enabled=var('using_product_db') and var('using_surveys') and var('using_privacy')) }}

with

people as (

    select
        person_id,
        account_id,
        primary_email,
        first_seen_at
    from {{ ref('dim_people') }}
    where account_id is not null and first_seen_at is not null

),

accounts as (

    select account_id
    from {{ ref('dim_accounts') }}
    where workspace_id is not null

),

plan_periods as (

    select
        account_id,
        plan_tier,
        is_paid,
        valid_from,
        valid_to
    from {{ ref('dim_account_plan_periods') }}

),

events as (

    select
        person_id,
        event_at
    from {{ ref('fct_events') }}
    where person_id is not null

),

deliverability as (

    select
        person_id,
        first_bounced_at,
        first_unsubscribed_at
    from {{ ref('int_email_deliverability_resolved') }}
    where person_id is not null

),

responses as (

    select
        person_id,
        submitted_at
    from {{ ref('int_nps_responses_matched') }}
    where person_id is not null

),

deletion_requests as (

    select
        user_id,
        anonymous_id,
        email
    from {{ ref('stg_privacy__deletion_requests') }}

),

identities as (

    select
        identifier_type,
        identifier_value,
        person_id
    from {{ ref('int_identities_stitched') }}

),

exclusion_reasons as (

    select
        precedence,
        exclusion_reason
    from {{ ref('nps_exclusion_reasons') }}

),

reference_time as (

    {{ gtm_warehouse.cs_reference_time() }}

),

data_start as (

    select min(event_at) as first_event_at
    from events

),

waves as (

    select distinct
        {{ gtm_warehouse.nps_wave_id('events.event_at') }} as wave_id,
        {{ dbt.date_trunc('quarter', 'events.event_at') }} as wave_start
    from events
    cross join reference_time
    cross join data_start
    where
        events.event_at <= reference_time.as_of_at
        and {{ dbt.date_trunc('quarter', 'events.event_at') }} >= data_start.first_event_at

),

deleted_people as (

    select distinct coalesce(user_identity.person_id, device_identity.person_id, email_identity.person_id) as person_id
    from deletion_requests
    {{ gtm_warehouse.identity_joins('deletion_requests.user_id', 'deletion_requests.anonymous_id') }}
    left join identities as email_identity
        on email_identity.identifier_type = 'email' and deletion_requests.email = email_identity.identifier_value

),

person_days as (

    select
        person_id,
        {{ dbt.date_trunc('day', 'event_at') }} as event_day,
        count(*) as events
    from events
    group by person_id, {{ dbt.date_trunc('day', 'event_at') }}

),

candidates as (

    select
        waves.wave_id,
        waves.wave_start,
        people.person_id,
        people.account_id,
        people.primary_email
    from waves
    inner join people on waves.wave_start > people.first_seen_at
    inner join accounts on people.account_id = accounts.account_id

),

wave_activity as (

    select
        candidates.wave_id,
        candidates.person_id,
        sum(person_days.events) as events_in_window
    from candidates
    inner join person_days
        on
            candidates.person_id = person_days.person_id
            and candidates.wave_start > person_days.event_day
            and person_days.event_day
            >= {{ gtm_warehouse.timestamp_add('day', -1 * var('gtm__nps_active_days'), 'candidates.wave_start') }}
    group by candidates.wave_id, candidates.person_id

),

wave_plans as (

    select
        candidates.wave_id,
        candidates.person_id,
        max(plan_periods.plan_tier) as plan_tier,
        max(case when plan_periods.is_paid then 1 else 0 end) = 1 as is_paying
    from candidates
    inner join plan_periods
        on
            candidates.account_id = plan_periods.account_id
            and candidates.wave_start >= plan_periods.valid_from
            and (plan_periods.valid_to is null or candidates.wave_start < plan_periods.valid_to)
    group by candidates.wave_id, candidates.person_id

),

last_responses as (

    select
        candidates.wave_id,
        candidates.person_id,
        max(responses.submitted_at) as last_responded_at
    from candidates
    inner join responses
        on candidates.person_id = responses.person_id and candidates.wave_start > responses.submitted_at
    group by candidates.wave_id, candidates.person_id

),

flagged as (

    select
        candidates.wave_id,
        candidates.wave_start,
        candidates.person_id,
        candidates.account_id,
        candidates.primary_email,
        last_responses.last_responded_at,
        coalesce(wave_plans.plan_tier, 'no_subscription') as plan_tier,
        coalesce(wave_activity.events_in_window, 0) as events_in_window,
        candidates.primary_email is null as is_no_email,
        deleted_people.person_id is not null as is_deletion_requested,
        coalesce(deliverability.first_bounced_at < candidates.wave_start, false) as is_email_bounced,
        coalesce(deliverability.first_unsubscribed_at < candidates.wave_start, false) as is_email_unsubscribed,
        not coalesce(wave_plans.is_paying, false) as is_account_not_paying,
        wave_activity.person_id is null as is_inactive,
        coalesce(
            last_responses.last_responded_at
            >= {{ gtm_warehouse.timestamp_add('day', -1 * var('gtm__nps_cooldown_days'), 'candidates.wave_start') }},
            false
        ) as is_recently_surveyed
    from candidates
    left join wave_activity
        on candidates.wave_id = wave_activity.wave_id and candidates.person_id = wave_activity.person_id
    left join wave_plans on candidates.wave_id = wave_plans.wave_id and candidates.person_id = wave_plans.person_id
    left join last_responses
        on candidates.wave_id = last_responses.wave_id and candidates.person_id = last_responses.person_id
    left join deleted_people on candidates.person_id = deleted_people.person_id
    left join deliverability on candidates.person_id = deliverability.person_id

),

exclusions as (

    select
        wave_id,
        person_id,
        'no_email' as exclusion_reason
    from flagged
    where is_no_email
    union all
    select
        wave_id,
        person_id,
        'deletion_requested' as exclusion_reason
    from flagged
    where is_deletion_requested
    union all
    select
        wave_id,
        person_id,
        'email_bounced' as exclusion_reason
    from flagged
    where is_email_bounced
    union all
    select
        wave_id,
        person_id,
        'email_unsubscribed' as exclusion_reason
    from flagged
    where is_email_unsubscribed
    union all
    select
        wave_id,
        person_id,
        'account_not_paying' as exclusion_reason
    from flagged
    where is_account_not_paying
    union all
    select
        wave_id,
        person_id,
        'inactive' as exclusion_reason
    from flagged
    where is_inactive
    union all
    select
        wave_id,
        person_id,
        'recently_surveyed' as exclusion_reason
    from flagged
    where is_recently_surveyed

),

first_exclusion as (

    select
        exclusions.wave_id,
        exclusions.person_id,
        exclusions.exclusion_reason,
        row_number() over (
            partition by exclusions.wave_id, exclusions.person_id order by exclusion_reasons.precedence
        ) as reason_rank
    from exclusions
    inner join exclusion_reasons on exclusions.exclusion_reason = exclusion_reasons.exclusion_reason

),

ranked as (

    select
        flagged.*,
        first_exclusion.exclusion_reason as rule_exclusion_reason,
        case
            when first_exclusion.exclusion_reason is null
                then row_number() over (
                        partition by flagged.wave_id, flagged.account_id, first_exclusion.exclusion_reason is null
                        order by flagged.events_in_window desc, flagged.person_id asc
                    )
        end as account_rank
    from flagged
    left join first_exclusion
        on
            flagged.wave_id = first_exclusion.wave_id
            and flagged.person_id = first_exclusion.person_id
            and first_exclusion.reason_rank = 1

),

final as (

    select
        {{ dbt.concat(['wave_id', "'|'", 'person_id']) }} as wave_person_id,
        wave_id,
        wave_start,
        person_id,
        account_id,
        primary_email as email,
        plan_tier,
        events_in_window,
        last_responded_at,
        is_no_email,
        is_deletion_requested,
        is_email_bounced,
        is_email_unsubscribed,
        is_account_not_paying,
        is_inactive,
        is_recently_surveyed,
        account_rank,
        case
            when rule_exclusion_reason is not null then rule_exclusion_reason
            when account_rank > {{ var('gtm__nps_max_people_per_account') }} then 'account_quota_reached'
        end as exclusion_reason,
        rule_exclusion_reason is null as is_eligible,
        rule_exclusion_reason is null
        and account_rank <= {{ var('gtm__nps_max_people_per_account') }} as is_selected
    from ranked

)

select * from final
