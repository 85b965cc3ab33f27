{#- Grain: one row per (conversion, touch in its lookback window): the touch × conversion table every
    attribution model reads. A touch counts when it happened at most var gtm__attribution_lookback_days
    before the conversion and strictly before it: touches after the conversion are never attributed, and
    neither is a touch stamped at the conversion's own instant, which is the conversion's own record, not a
    cause (the CRM writes a form's campaign response, e.g. a webinar registration, with the lead it creates:
    counted, it was the last touch of a third of all leads; docs/DECISIONS.md "Attribution truth").
    Person-level conversions take the person's touches; account-level ones the touches of every person on
    the account (of the contact person when the account is unknown). A conversion without any touch in its
    window gets one explicit `(no touch)` row, so it never vanishes. Each row carries its position (order by
    time, then touch id), the milestone positions the W-shaped model needs (the last touch at or before the
    first lead of the person/account, and before the opportunity's creation) and its age in days. -#}
with

conversions as (

    select
        conversion_id,
        conversion_type,
        attribution_level,
        person_id,
        account_id,
        converted_at,
        amount,
        currency,
        opportunity_id
    from {{ ref('fct_conversions') }}

),

touchpoints as (

    select
        touchpoint_id,
        touchpoint_type,
        person_id,
        account_id,
        touched_at,
        channel,
        campaign_key,
        crm_campaign_id,
        is_direct
    from {{ ref('fct_touchpoints') }}

),

conversion_scopes as (

    -- whose touches a conversion takes: the account's for account-level conversions with a known account
    select
        conversion_id,
        conversion_type,
        person_id,
        account_id,
        converted_at,
        amount,
        currency,
        opportunity_id,
        attribution_level = 'account' and account_id is not null as is_account_scope
    from conversions

),

lead_milestones as (

    -- the first lead created of the conversion's person (or account) at or before the conversion;
    -- two equi-joins (account scope, person scope) rather than one join on an or
    select
        conversion_scopes.conversion_id,
        min(leads.converted_at) as lead_milestone_at
    from conversion_scopes
    inner join conversions as leads
        on
            conversion_scopes.account_id = leads.account_id
            and leads.conversion_type = 'lead_created'
            and conversion_scopes.converted_at >= leads.converted_at
    where conversion_scopes.is_account_scope
    group by conversion_scopes.conversion_id
    union all
    select
        conversion_scopes.conversion_id,
        min(leads.converted_at) as lead_milestone_at
    from conversion_scopes
    inner join conversions as leads
        on
            conversion_scopes.person_id = leads.person_id
            and leads.conversion_type = 'lead_created'
            and conversion_scopes.converted_at >= leads.converted_at
    where not conversion_scopes.is_account_scope
    group by conversion_scopes.conversion_id

),

opportunity_milestones as (

    select
        opportunity_id,
        converted_at as opportunity_milestone_at
    from conversions
    where conversion_type = 'opportunity_created'

),

account_scoped_touches as (

    select
        conversion_scopes.conversion_id,
        touchpoints.touchpoint_id,
        touchpoints.touchpoint_type,
        touchpoints.touched_at,
        touchpoints.channel,
        touchpoints.campaign_key,
        touchpoints.crm_campaign_id,
        touchpoints.is_direct
    from conversion_scopes
    inner join touchpoints
        on
            conversion_scopes.account_id = touchpoints.account_id
            and conversion_scopes.converted_at > touchpoints.touched_at
            and touchpoints.touched_at >= {{ dbt.dateadd(
                'day', -1 * var('gtm__attribution_lookback_days'), 'conversion_scopes.converted_at') }}
    where conversion_scopes.is_account_scope

),

person_scoped_touches as (

    select
        conversion_scopes.conversion_id,
        touchpoints.touchpoint_id,
        touchpoints.touchpoint_type,
        touchpoints.touched_at,
        touchpoints.channel,
        touchpoints.campaign_key,
        touchpoints.crm_campaign_id,
        touchpoints.is_direct
    from conversion_scopes
    inner join touchpoints
        on
            conversion_scopes.person_id = touchpoints.person_id
            and conversion_scopes.converted_at > touchpoints.touched_at
            and touchpoints.touched_at >= {{ dbt.dateadd(
                'day', -1 * var('gtm__attribution_lookback_days'), 'conversion_scopes.converted_at') }}
    where not conversion_scopes.is_account_scope

),

scoped_touches as (

    select * from account_scoped_touches
    union all
    select * from person_scoped_touches

),

with_no_touch as (

    select
        conversion_scopes.conversion_id,
        conversion_scopes.conversion_type,
        conversion_scopes.converted_at,
        conversion_scopes.amount,
        conversion_scopes.currency,
        conversion_scopes.is_account_scope,
        scoped_touches.touchpoint_type,
        scoped_touches.touched_at,
        scoped_touches.campaign_key,
        scoped_touches.crm_campaign_id,
        lead_milestones.lead_milestone_at,
        coalesce(scoped_touches.touchpoint_id, '(no touch)') as touchpoint_id,
        coalesce(scoped_touches.channel, '(no touch)') as channel,
        coalesce(scoped_touches.is_direct, false) as is_direct,
        scoped_touches.touchpoint_id is null as is_no_touch,
        case
            when conversion_scopes.conversion_type = 'opportunity_created' then conversion_scopes.converted_at
            else opportunity_milestones.opportunity_milestone_at
        end as opportunity_milestone_at
    from conversion_scopes
    left join scoped_touches on conversion_scopes.conversion_id = scoped_touches.conversion_id
    left join lead_milestones on conversion_scopes.conversion_id = lead_milestones.conversion_id
    left join opportunity_milestones on conversion_scopes.opportunity_id = opportunity_milestones.opportunity_id

),

positioned as (

    select
        with_no_touch.*,
        row_number() over (
            partition by with_no_touch.conversion_id
            order by with_no_touch.touched_at, with_no_touch.touchpoint_id
        ) as touch_number,
        count(*) over (partition by with_no_touch.conversion_id) as touch_count,
        cast(
            {{ gtm_warehouse.epoch_microseconds('with_no_touch.converted_at') }}
            - {{ gtm_warehouse.epoch_microseconds('with_no_touch.touched_at') }}
            as double
        ) / 86400000000 as days_before_conversion
    from with_no_touch

),

milestone_positions as (

    select
        positioned.*,
        max(case when not positioned.is_direct then positioned.touch_number end)
            over (partition by positioned.conversion_id) as last_non_direct_touch_number,
        max(case when positioned.touched_at <= positioned.lead_milestone_at then positioned.touch_number end)
            over (partition by positioned.conversion_id) as lead_touch_number,
        max(case when positioned.touched_at <= positioned.opportunity_milestone_at then positioned.touch_number end)
            over (partition by positioned.conversion_id) as opportunity_touch_number
    from positioned

),

final as (

    select
        {{ dbt.concat(['conversion_id', "'|'", 'touchpoint_id']) }} as attribution_touch_id,
        conversion_id,
        conversion_type,
        converted_at,
        amount,
        currency,
        is_account_scope,
        touchpoint_id,
        touchpoint_type,
        touched_at,
        channel,
        campaign_key,
        crm_campaign_id,
        is_direct,
        is_no_touch,
        touch_number,
        touch_count,
        days_before_conversion,
        last_non_direct_touch_number,
        lead_milestone_at,
        lead_touch_number,
        opportunity_milestone_at,
        opportunity_touch_number
    from milestone_positions

)

select * from final
