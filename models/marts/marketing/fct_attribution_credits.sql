{#- Grain: one row per (conversion, touch in its lookback window), with one credit column per attribution
    model. For every model the credits of one conversion sum to 1 (test attribution_credits_sum_to_one); a
    conversion without touches has one `(no touch)` row with credit 1 everywhere. `<model>_amount` =
    credit × the conversion's amount (pipeline for opportunity_created, revenue for closed_won).
    Rule-based models (weights in vars): first touch, last touch, last non-direct touch (the last touch when
    all are direct), linear, U-shaped (first/middle/last), W-shaped (first / lead-creation / opportunity-
    creation touch / the rest), time-decay (2^(-days/half-life)). Position-weighted models are normalised
    per conversion, so a path of one or two touches still sums to 1 (two touches: U-shaped gives 0.5/0.5).
    Data-driven models split the conversion over the channels on its path in proportion to the channel's
    credit weight (its Markov removal effect or Shapley value per converting journey through it, for that
    conversion type: summed over conversions, credits then follow the model's channel values instead of
    counting a channel's presence twice), then equally over the channel's touches; when every channel on the
    path has weight 0, linear. Before that split they take out the conversion's baseline share (its channel
    set's, int_attribution_channel_sets: the part a journey through the weakest channel alone would also have
    converted): it goes to one `(baseline)` row per conversion (is_baseline; every rule-based credit 0 there),
    so the data-driven credits on channels are the conversions the channels added. -#}
{%- set u = var('gtm__attribution_u_shaped_weights') -%}
{%- set w = var('gtm__attribution_w_shaped_weights') -%}

with

windowed_touches as (

    select
        attribution_touch_id,
        conversion_id,
        conversion_type,
        converted_at,
        amount,
        currency,
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
        lead_touch_number,
        opportunity_touch_number
    from {{ ref('int_attribution_touches_windowed') }}

),

markov as (

    select
        conversion_type,
        channel,
        credit_weight as markov_credit_weight
    from {{ ref('int_attribution_markov_removal_effects') }}

),

shapley as (

    select
        conversion_type,
        channel,
        credit_weight as shapley_credit_weight
    from {{ ref('int_attribution_shapley_values') }}

),

journey_channels as (

    -- the channels on each conversion's path (a converting journey is one conversion)
    select distinct
        conversion_type,
        journey_id as conversion_id,
        channel_bit
    from {{ ref('int_attribution_journey_steps') }}
    where is_converted

),

channel_sets as (

    select
        conversion_type,
        channel_set,
        baseline_share
    from {{ ref('int_attribution_channel_sets') }}

),

conversion_channel_sets as (

    select
        conversion_type,
        conversion_id,
        sum(channel_bit) as channel_set
    from journey_channels
    group by conversion_type, conversion_id

),

conversion_baselines as (

    select
        conversion_channel_sets.conversion_id,
        channel_sets.baseline_share
    from conversion_channel_sets
    inner join channel_sets
        on
            conversion_channel_sets.conversion_type = channel_sets.conversion_type
            and conversion_channel_sets.channel_set = channel_sets.channel_set

),

raw_weights as (

    select
        windowed_touches.*,
        cast(1 as double) as linear_weight,
        cast(case when windowed_touches.touch_number = 1 then 1 else 0 end as double) as first_touch_weight,
        cast(case when windowed_touches.touch_number = windowed_touches.touch_count then 1 else 0 end as double)
            as last_touch_weight,
        case
            when
                windowed_touches.touch_number
                = coalesce(windowed_touches.last_non_direct_touch_number, windowed_touches.touch_count)
                then cast(1 as double)
            else cast(0 as double)
        end as last_non_direct_weight,
        case
            when windowed_touches.touch_count = 1 then cast(1 as double)
            when windowed_touches.touch_number = 1 then cast({{ u['first'] }} as double)
            when windowed_touches.touch_number = windowed_touches.touch_count then cast({{ u['last'] }} as double)
            else cast({{ u['middle'] }} as double) / (windowed_touches.touch_count - 2)
        end as u_shaped_weight,
        case when windowed_touches.touch_number = 1 then cast({{ w['first'] }} as double) else 0 end
        + case
            when windowed_touches.touch_number = windowed_touches.lead_touch_number then cast({{ w['lead'] }} as double)
            else 0
        end
        + case
            when windowed_touches.touch_number = windowed_touches.opportunity_touch_number
                then cast({{ w['opportunity'] }} as double)
            else 0
        end as w_key_weight,
        power(
            cast(0.5 as double),
            coalesce(windowed_touches.days_before_conversion, 0)
            / {{ var('gtm__attribution_time_decay_half_life_days') }}
        ) as time_decay_weight,
        coalesce(markov.markov_credit_weight, 0) as markov_channel_weight,
        coalesce(shapley.shapley_credit_weight, 0) as shapley_channel_weight,
        coalesce(conversion_baselines.baseline_share, 0) as baseline_share,
        count(*) over (
            partition by windowed_touches.conversion_id, windowed_touches.channel
        ) as channel_touch_count
    from windowed_touches
    left join markov
        on
            windowed_touches.conversion_type = markov.conversion_type
            and windowed_touches.channel = markov.channel
    left join shapley
        on
            windowed_touches.conversion_type = shapley.conversion_type
            and windowed_touches.channel = shapley.channel
    left join conversion_baselines on windowed_touches.conversion_id = conversion_baselines.conversion_id

),

w_shaped_middle as (

    -- the touches that are no milestone share the middle weight
    select
        raw_weights.*,
        sum(case when raw_weights.w_key_weight = 0 then 1 else 0 end)
            over (partition by raw_weights.conversion_id) as w_middle_touches
    from raw_weights

),

weights as (

    select
        w_shaped_middle.*,
        case
            when w_shaped_middle.w_key_weight > 0 then w_shaped_middle.w_key_weight
            else cast({{ w['middle'] }} as double) / w_shaped_middle.w_middle_touches
        end as w_shaped_weight,
        w_shaped_middle.markov_channel_weight / w_shaped_middle.channel_touch_count as markov_weight,
        w_shaped_middle.shapley_channel_weight / w_shaped_middle.channel_touch_count as shapley_weight
    from w_shaped_middle

),

credits as (

    -- each model's weights normalised per conversion; data-driven: linear when no channel has weight
    select
        weights.*,
        weights.first_touch_weight
        / sum(weights.first_touch_weight) over (partition by weights.conversion_id) as first_touch_credit,
        weights.last_touch_weight
        / sum(weights.last_touch_weight) over (partition by weights.conversion_id) as last_touch_credit,
        weights.last_non_direct_weight
        / sum(weights.last_non_direct_weight) over (partition by weights.conversion_id) as last_non_direct_credit,
        weights.linear_weight
        / sum(weights.linear_weight) over (partition by weights.conversion_id) as linear_credit,
        weights.u_shaped_weight
        / sum(weights.u_shaped_weight) over (partition by weights.conversion_id) as u_shaped_credit,
        weights.w_shaped_weight
        / sum(weights.w_shaped_weight) over (partition by weights.conversion_id) as w_shaped_credit,
        weights.time_decay_weight
        / sum(weights.time_decay_weight) over (partition by weights.conversion_id) as time_decay_credit,
        (1 - weights.baseline_share) * case
            when sum(weights.markov_weight) over (partition by weights.conversion_id) > 0
                then weights.markov_weight / sum(weights.markov_weight) over (partition by weights.conversion_id)
            else cast(1 as double) / weights.touch_count
        end as markov_credit,
        (1 - weights.baseline_share) * case
            when sum(weights.shapley_weight) over (partition by weights.conversion_id) > 0
                then weights.shapley_weight / sum(weights.shapley_weight) over (partition by weights.conversion_id)
            else cast(1 as double) / weights.touch_count
        end as shapley_credit
    from weights

),

baseline_credits as (

    -- the data-driven models' `(baseline)` row of each conversion with a baseline share (touch columns NULL,
    -- typed as the touch rows': `case when false then <column> end`)
    select
        {{ dbt.concat(['conversion_id', "'|(baseline)'"]) }} as attribution_touch_id,
        conversion_id,
        conversion_type,
        converted_at,
        '(baseline)' as touchpoint_id,
        case when false then touchpoint_type end as touchpoint_type,
        case when false then touched_at end as touched_at,
        '(baseline)' as channel,
        case when false then campaign_key end as campaign_key,
        case when false then crm_campaign_id end as crm_campaign_id,
        false as is_no_touch,
        true as is_baseline,
        case when false then touch_number end as touch_number,
        touch_count,
        case when false then days_before_conversion end as days_before_conversion,
        amount,
        currency,
        cast(0 as double) as first_touch_credit,
        cast(0 as double) as last_touch_credit,
        cast(0 as double) as last_non_direct_credit,
        cast(0 as double) as linear_credit,
        cast(0 as double) as u_shaped_credit,
        cast(0 as double) as w_shaped_credit,
        cast(0 as double) as time_decay_credit,
        baseline_share as markov_credit,
        baseline_share as shapley_credit
    from credits
    where touch_number = 1 and baseline_share > 0

),

touch_credits as (

    select
        attribution_touch_id,
        conversion_id,
        conversion_type,
        converted_at,
        touchpoint_id,
        touchpoint_type,
        touched_at,
        channel,
        campaign_key,
        crm_campaign_id,
        is_no_touch,
        false as is_baseline,
        touch_number,
        touch_count,
        days_before_conversion,
        amount,
        currency,
        first_touch_credit,
        last_touch_credit,
        last_non_direct_credit,
        linear_credit,
        u_shaped_credit,
        w_shaped_credit,
        time_decay_credit,
        markov_credit,
        shapley_credit
    from credits

),

all_credits as (

    select * from touch_credits
    union all
    select * from baseline_credits

),

final as (

    select
        attribution_touch_id,
        conversion_id,
        conversion_type,
        converted_at,
        touchpoint_id,
        touchpoint_type,
        touched_at,
        channel,
        campaign_key,
        crm_campaign_id,
        is_no_touch,
        is_baseline,
        touch_number,
        touch_count,
        days_before_conversion,
        amount,
        currency,
        -- rounded: float sums in another order must not change a build's rows (incremental = full refresh)
        round(first_touch_credit, 12) as first_touch_credit,
        round(last_touch_credit, 12) as last_touch_credit,
        round(last_non_direct_credit, 12) as last_non_direct_credit,
        round(linear_credit, 12) as linear_credit,
        round(u_shaped_credit, 12) as u_shaped_credit,
        round(w_shaped_credit, 12) as w_shaped_credit,
        round(time_decay_credit, 12) as time_decay_credit,
        round(markov_credit, 12) as markov_credit,
        round(shapley_credit, 12) as shapley_credit,
        round(first_touch_credit * amount, 6) as first_touch_amount,
        round(last_touch_credit * amount, 6) as last_touch_amount,
        round(last_non_direct_credit * amount, 6) as last_non_direct_amount,
        round(linear_credit * amount, 6) as linear_amount,
        round(u_shaped_credit * amount, 6) as u_shaped_amount,
        round(w_shaped_credit * amount, 6) as w_shaped_amount,
        round(time_decay_credit * amount, 6) as time_decay_amount,
        round(markov_credit * amount, 6) as markov_amount,
        round(shapley_credit * amount, 6) as shapley_amount
    from all_credits

)

select * from final
