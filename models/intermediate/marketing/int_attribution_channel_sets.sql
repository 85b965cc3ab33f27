{#- Grain: one row per (conversion type, channel set): how often journeys through exactly that set of
    channels converted, and the baseline the data-driven models take out before they credit channels.
    A journey's channel set is the sum of the distinct channel bits on its path (int_attribution_journey_steps).
    Baseline rate: the conversion rate of journeys through the weakest channel alone (the lowest rate among
    single-channel sets with at least var gtm__attribution_baseline_min_journeys journeys): what a journey
    converts at when the channel it came through adds nothing that channel does not. 0 when no single-channel
    set is that large (the data-driven models then credit whole conversions, as before the baseline existed).
    Baseline share of a set = baseline rate / the set's conversion rate, at most 1: the part of each of its
    conversions that would have happened anyway; fct_attribution_credits gives it to a `(baseline)` row in
    the data-driven models and splits the rest over the channels (docs/DECISIONS.md "Attribution truth"). -#}
with

journey_steps as (

    select
        conversion_type,
        journey_id,
        channel,
        channel_bit,
        is_converted
    from {{ ref('int_attribution_journey_steps') }}

),

journey_channels as (

    select distinct
        conversion_type,
        journey_id,
        channel,
        channel_bit,
        is_converted
    from journey_steps

),

journey_sets as (

    select
        conversion_type,
        journey_id,
        max(case when is_converted then 1 else 0 end) as is_converted,
        sum(channel_bit) as channel_set,
        count(*) as channel_count,
        min(channel) as only_channel
    from journey_channels
    group by conversion_type, journey_id

),

set_rates as (

    select
        conversion_type,
        channel_set,
        channel_count,
        case when channel_count = 1 then only_channel end as single_channel,
        count(*) as journeys,
        sum(is_converted) as conversions,
        cast(sum(is_converted) as double) / count(*) as conversion_rate
    from journey_sets
    group by
        conversion_type,
        channel_set,
        channel_count,
        case when channel_count = 1 then only_channel end

),

baseline_candidates as (

    -- single-channel sets large enough to trust; the weakest defines the baseline (ties: channel order)
    select
        conversion_type,
        single_channel,
        conversion_rate,
        row_number() over (
            partition by conversion_type order by conversion_rate, single_channel
        ) as weakness_rank
    from set_rates
    where channel_count = 1 and journeys >= {{ var('gtm__attribution_baseline_min_journeys') }}

),

baselines as (

    select
        conversion_type,
        single_channel as baseline_channel,
        conversion_rate as baseline_rate
    from baseline_candidates
    where weakness_rank = 1

),

final as (

    select
        {{ dbt.concat([
            'set_rates.conversion_type', "'|'", 'cast(set_rates.channel_set as ' ~ dbt.type_string() ~ ')',
        ]) }} as channel_set_id,
        set_rates.conversion_type,
        set_rates.channel_set,
        set_rates.channel_count,
        set_rates.single_channel,
        set_rates.journeys,
        set_rates.conversions,
        round(set_rates.conversion_rate, 12) as conversion_rate,
        baselines.baseline_channel,
        round(coalesce(baselines.baseline_rate, 0), 12) as baseline_rate,
        -- rounded: float sums in another order must not change a build's rows (incremental = full refresh)
        round(
            case
                when coalesce(baselines.baseline_rate, 0) = 0 then 0
                when set_rates.conversion_rate <= baselines.baseline_rate then 1
                else baselines.baseline_rate / set_rates.conversion_rate
            end,
            12
        ) as baseline_share
    from set_rates
    left join baselines on set_rates.conversion_type = baselines.conversion_type

)

select * from final
