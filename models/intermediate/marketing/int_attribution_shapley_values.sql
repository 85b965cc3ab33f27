{#- Grain: one row per (conversion type, channel): the channel's Shapley value over channel sets.
    Players are channels; a journey's channel set is a bitmask (int_attribution_journey_steps.channel_bit).
    The value of a coalition S is the number of conversions expected if only the channels in S existed: every
    journey with channel set T converts at the observed conversion rate of journeys whose set is exactly
    T ∩ S (int_attribution_channel_sets); a set no journey had (the empty set among them) converts at the
    baseline rate, the rate of the weakest channel alone. So v(∅) = baseline × journeys and the values sum to
    the conversions above the baseline: a channel's value is the conversions it adds, not the traffic it
    carries (docs/DECISIONS.md "Attribution truth"). Shapley value of c = Σ over S without c of
    |S|!(n-|S|-1)!/n! · (v(S ∪ c) - v(S)), by enumerating all 2^n subsets (portable SQL: bitwise `&`,
    bit_count). Limit: n <= var gtm__attribution_shapley_max_channels (default 12: 4,096 subsets); a test
    fails when more channels appear. Negative values are clipped to 0 for the credit share. `credit_weight` =
    max(value, 0) per converting journey through the channel: the weight fct_attribution_credits splits the
    non-baseline part of each conversion with, so that the credits summed over conversions follow the Shapley
    values (a value already counts the conversions the channel is on; splitting each of them by the raw value
    would count that presence twice). -#}
{%- set max_channels = var('gtm__attribution_shapley_max_channels') -%}

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

set_rates as (

    select
        conversion_type,
        channel_set,
        journeys,
        conversion_rate,
        baseline_rate
    from {{ ref('int_attribution_channel_sets') }}

),

channel_bits as (

    select distinct
        channel,
        channel_bit
    from journey_steps

),

player_count as (

    select count(*) as players
    from channel_bits

),

subsets as (

    select cast(series.generated_number - 1 as bigint) as coalition
    from ({{ dbt.generate_series(2 ** max_channels) }}) as series
    cross join player_count
    where series.generated_number - 1 < power(2, player_count.players)

),

coalition_values as (

    -- v(S): journeys of every observed set T, converting at the rate of the set T ∩ S (the baseline rate
    -- where no journey had that set, the empty set among them)
    select
        observed.conversion_type,
        subsets.coalition,
        -- order-independent sums (macro exact_sum): the same values on every engine and build
        {{ gtm_warehouse.exact_sum(
            'observed.journeys * coalesce(restricted_set.conversion_rate, observed.baseline_rate)', 9,
        ) }} as coalition_value
    from set_rates as observed
    cross join subsets
    left join set_rates as restricted_set
        on
            observed.conversion_type = restricted_set.conversion_type
            and (observed.channel_set & subsets.coalition) = restricted_set.channel_set
    group by observed.conversion_type, subsets.coalition

),

factorials as (

    {%- set running = namespace(factorial=1) %}
    {% for k in range(0, max_channels + 1) %}
        {%- if k > 0 %}{% set running.factorial = running.factorial * k %}{% endif %}
        select
            {{ k }} as k,
            cast({{ running.factorial }} as double) as factorial
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

marginal_contributions as (

    select
        without_channel.conversion_type,
        channel_bits.channel,
        bit_count(without_channel.coalition) as coalition_size,
        with_channel.coalition_value - without_channel.coalition_value as marginal_contribution
    from coalition_values as without_channel
    cross join channel_bits
    inner join coalition_values as with_channel
        on
            without_channel.conversion_type = with_channel.conversion_type
            and without_channel.coalition + channel_bits.channel_bit = with_channel.coalition
    where (without_channel.coalition & channel_bits.channel_bit) = 0

),

channel_journeys as (

    -- converting journeys through each channel (a journey counts once however often it passes)
    select
        conversion_type,
        channel,
        count(distinct journey_id) as converting_journeys
    from journey_steps
    where is_converted
    group by conversion_type, channel

),

shapley as (

    -- weight of a coalition of size s among n players: s! (n - s - 1)! / n!
    select
        marginal_contributions.conversion_type,
        marginal_contributions.channel,
        {{ gtm_warehouse.exact_sum(
            'marginal_contributions.marginal_contribution'
            ~ ' * size_factorial.factorial * rest_factorial.factorial / all_factorial.factorial',
            9,
        ) }} as shapley_value
    from marginal_contributions
    cross join player_count
    inner join factorials as size_factorial on marginal_contributions.coalition_size = size_factorial.k
    inner join factorials as rest_factorial
        on player_count.players - marginal_contributions.coalition_size - 1 = rest_factorial.k
    inner join factorials as all_factorial on player_count.players = all_factorial.k
    group by marginal_contributions.conversion_type, marginal_contributions.channel

),

final as (

    select
        {{ dbt.concat(['shapley.conversion_type', "'|'", 'shapley.channel']) }} as shapley_channel_id,
        shapley.conversion_type,
        shapley.channel,
        -- rounded: float sums in another order must not change a build's rows (incremental = full refresh)
        round(shapley.shapley_value, 9) as shapley_value,
        -- over the non-negative values summed as integers (order-independent): the same double everywhere
        greatest(round(shapley.shapley_value, 9), 0) / nullif(
            {{ gtm_warehouse.exact_sum(
                'greatest(shapley.shapley_value, 0)', 9, over='partition by shapley.conversion_type',
            ) }},
            0
        ) as shapley_share,
        coalesce(channel_journeys.converting_journeys, 0) as converting_journeys,
        -- the rounded value over an integer: the same double on every engine
        case
            when channel_journeys.converting_journeys > 0
                then greatest(round(shapley.shapley_value, 9), 0) / channel_journeys.converting_journeys
            else cast(0 as double)
        end as credit_weight
    from shapley
    left join channel_journeys
        on
            shapley.conversion_type = channel_journeys.conversion_type
            and shapley.channel = channel_journeys.channel

)

select * from final
