{#- Grain: one row per (conversion type, channel): the channel's removal effect in a first-order Markov
    chain over channel paths (int_attribution_journey_steps). States: (start), each channel, (conversion),
    (null). Transition probabilities are counted from the journeys. The probability of reaching (conversion)
    from (start) is the (start) row of the transition matrix raised to the power 2^k, the first power of two
    >= var gtm__attribution_markov_iterations, by k repeated squarings (plain self-joins, portable; no matrix
    inversion), once for the full chain and once per removed channel (mass entering the removed channel is
    lost). Removal effect = 1 - P(conversion without the channel) / P(conversion). Self-loops are dropped (same absorption
    probabilities, faster convergence). `in_flight_mass` is the mass still moving after
    the last step (a test keeps it negligible: raise the var when paths are long).
    `credit_weight` = removal effect per converting journey through the channel: the weight
    fct_attribution_credits splits each conversion with. The removal effect already grows with the number of
    converting journeys a channel is on; splitting every one of them by the raw removal effect would count
    that presence a second time (channel totals ~ presence², docs/DECISIONS.md "Attribution truth"). Per
    journey, the credits summed over conversions follow the model's own channel values
    (conversions × removal-effect share), as the Markov attribution defines them. -#}
{%- set iterations = var('gtm__attribution_markov_iterations') -%}
{#- squarings: the smallest k with 2^k >= iterations (the chain runs 2^k steps) -#}
{%- set ns = namespace(squarings=0) -%}
{%- for _ in range(31) -%}
    {%- if 2 ** ns.squarings < iterations -%}{%- set ns.squarings = ns.squarings + 1 -%}{%- endif -%}
{%- endfor -%}
{%- set squarings = ns.squarings -%}

with

journey_steps as (

    select
        conversion_type,
        journey_id,
        step_number,
        channel,
        is_last_step,
        is_converted
    from {{ ref('int_attribution_journey_steps') }}

),

edges as (

    select
        conversion_type,
        '(start)' as from_state,
        channel as to_state
    from journey_steps
    where step_number = 1
    union all
    select
        conversion_type,
        channel as from_state,
        coalesce(
            lead(channel) over (partition by conversion_type, journey_id order by step_number),
            case when is_converted then '(conversion)' else '(null)' end
        ) as to_state
    from journey_steps

),

edge_counts as (

    select
        conversion_type,
        from_state,
        to_state,
        count(*) as transitions
    from edges
    -- self-loops (a channel followed by itself) change no absorption probability: dropping them and
    -- renormalising the rest gives the same P(conversion) with far fewer steps
    where from_state != to_state
    group by conversion_type, from_state, to_state

),

transition_probabilities as (

    select
        conversion_type,
        from_state,
        to_state,
        cast(transitions as double) / sum(transitions) over (partition by conversion_type, from_state) as probability
    from edge_counts
    union all
    -- (conversion) is absorbing: its mass is carried to the last step, so the last power holds all of it
    select distinct
        conversion_type,
        '(conversion)' as from_state,
        '(conversion)' as to_state,
        cast(1 as double) as probability
    from edge_counts

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

channels as (

    select distinct
        conversion_type,
        channel
    from journey_steps

),

scenarios as (

    -- (none): the full chain; otherwise the channel removed
    select distinct
        conversion_type,
        '(none)' as removed_channel
    from channels
    union all
    select
        conversion_type,
        channel as removed_channel
    from channels

),

power_0 as (

    -- the chain of each scenario: every transition into (or out of) the removed channel is dropped, so the
    -- mass that would enter it is lost. power_k = this matrix to the power 2^k (repeated squaring):
    -- 2^squarings >= gtm__attribution_markov_iterations steps in `squarings` joins. A plan of a few levels,
    -- not one per step: Spark's optimizer spent minutes on the 60-level chain of the step-by-step form
    select
        scenarios.conversion_type,
        scenarios.removed_channel,
        transition_probabilities.from_state,
        transition_probabilities.to_state,
        transition_probabilities.probability
    from scenarios
    inner join transition_probabilities
        on
            scenarios.conversion_type = transition_probabilities.conversion_type
            and scenarios.removed_channel != transition_probabilities.from_state
            and scenarios.removed_channel != transition_probabilities.to_state

),

{% for k in range(1, squarings + 1) %}
    power_{{ k }} as (

        select
            left_factor.conversion_type,
            left_factor.removed_channel,
            left_factor.from_state,
            right_factor.to_state,
            -- order-independent sum (macro exact_sum): a float sum in another order could move a value
            -- across the 12th decimal and change a row between builds (incremental = full refresh)
            {{ gtm_warehouse.exact_sum('left_factor.probability * right_factor.probability', 15) }}
                as probability
        from power_{{ k - 1 }} as left_factor
        inner join power_{{ k - 1 }} as right_factor
            on
                left_factor.conversion_type = right_factor.conversion_type
                and left_factor.removed_channel = right_factor.removed_channel
                and left_factor.to_state = right_factor.from_state
        group by
            left_factor.conversion_type,
            left_factor.removed_channel,
            left_factor.from_state,
            right_factor.to_state

    ),
{% endfor %}

reached as (

    -- where the mass that left (start) is after 2^squarings steps
    select
        conversion_type,
        removed_channel,
        to_state as state,
        probability as mass
    from power_{{ squarings }}
    where from_state = '(start)'

),

conversion_probabilities as (

    select
        scenarios.conversion_type,
        scenarios.removed_channel,
        coalesce(sum(reached.mass), 0) as conversion_probability
    from scenarios
    left join reached
        on
            scenarios.conversion_type = reached.conversion_type
            and scenarios.removed_channel = reached.removed_channel
            and reached.state = '(conversion)'
    group by scenarios.conversion_type, scenarios.removed_channel

),

in_flight as (

    select
        conversion_type,
        {{ gtm_warehouse.exact_sum('mass', 15) }} as in_flight_mass
    from reached
    where state not in ('(conversion)', '(null)') and removed_channel = '(none)'
    group by conversion_type

),

effects as (

    select
        removed.conversion_type,
        removed.removed_channel as channel,
        baseline.conversion_probability,
        removed.conversion_probability as conversion_probability_without_channel,
        case
            when baseline.conversion_probability > 0
                then greatest(1 - removed.conversion_probability / baseline.conversion_probability, 0)
            else 0
        end as removal_effect
    from conversion_probabilities as removed
    inner join conversion_probabilities as baseline
        on
            removed.conversion_type = baseline.conversion_type
            and baseline.removed_channel = '(none)'
    where removed.removed_channel != '(none)'

),

final as (

    select
        {{ dbt.concat(['effects.conversion_type', "'|'", 'effects.channel']) }} as markov_channel_id,
        effects.conversion_type,
        effects.channel,
        -- rounded: float sums in another order must not change a build's rows (incremental = full refresh)
        round(effects.conversion_probability, 12) as conversion_probability,
        round(effects.conversion_probability_without_channel, 12) as conversion_probability_without_channel,
        round(effects.removal_effect, 12) as removal_effect,
        -- over the rounded effects summed as integers (a float sum in another order moved shares across
        -- their 12th decimal between builds): one division, the same double on every engine and build
        round(effects.removal_effect, 12) / nullif(
            {{ gtm_warehouse.exact_sum('effects.removal_effect', 12, over='partition by effects.conversion_type') }},
            0
        ) as removal_effect_share,
        coalesce(channel_journeys.converting_journeys, 0) as converting_journeys,
        -- the rounded removal effect over an integer: the same double on every engine
        case
            when channel_journeys.converting_journeys > 0
                then round(effects.removal_effect, 12) / channel_journeys.converting_journeys
            else cast(0 as double)
        end as credit_weight,
        round(coalesce(in_flight.in_flight_mass, 0), 15) as in_flight_mass
    from effects
    left join in_flight on effects.conversion_type = in_flight.conversion_type
    left join channel_journeys
        on
            effects.conversion_type = channel_journeys.conversion_type
            and effects.channel = channel_journeys.channel

)

select * from final
