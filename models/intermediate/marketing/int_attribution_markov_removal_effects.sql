{#- Grain: one row per (conversion type, channel): the channel's removal effect in a first-order Markov
    chain over channel paths (int_attribution_journey_steps). States: (start), each channel, (conversion),
    (null). Transition probabilities are counted from the journeys. The probability of reaching (conversion)
    from (start) is computed by pushing probability mass through the chain for var
    gtm__attribution_markov_iterations steps (plain joins, portable; no matrix inversion), once for the full
    chain and once per removed channel (mass entering the removed channel is lost). Removal effect =
    1 - P(conversion without the channel) / P(conversion). Self-loops are dropped (same absorption
    probabilities, faster convergence). `in_flight_mass` is the mass still moving after
    the last step (a test keeps it negligible: raise the var when paths are long).
    `credit_weight` = removal effect per converting journey through the channel: the weight
    fct_attribution_credits splits each conversion with. The removal effect already grows with the number of
    converting journeys a channel is on; splitting every one of them by the raw removal effect would count
    that presence a second time (channel totals ~ presence², docs/DECISIONS.md "Attribution truth"). Per
    journey, the credits summed over conversions follow the model's own channel values
    (conversions × removal-effect share), as the Markov attribution defines them. -#}
{%- set iterations = var('gtm__attribution_markov_iterations') -%}

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
    -- (conversion) is absorbing: its mass is carried to the last step, so each step reads only the previous
    -- one (a plan linear in the steps; summing every step's absorbed mass would re-expand them on Spark)
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

step_0 as (

    select
        conversion_type,
        removed_channel,
        '(start)' as state,
        cast(1 as double) as mass
    from scenarios

),

{% for i in range(1, iterations + 1) %}
    step_{{ i }} as (

        select
            step_{{ i - 1 }}.conversion_type,
            step_{{ i - 1 }}.removed_channel,
            transition_probabilities.to_state as state,
            -- order-independent sum (macro exact_sum): a float sum in another order could move a value
            -- across the 12th decimal and change a row between builds (incremental = full refresh)
            {{ gtm_warehouse.exact_sum('step_' ~ (i - 1) ~ '.mass * transition_probabilities.probability', 15) }}
                as mass
        from step_{{ i - 1 }}
        inner join transition_probabilities
            on
                step_{{ i - 1 }}.conversion_type = transition_probabilities.conversion_type
                and step_{{ i - 1 }}.state = transition_probabilities.from_state
                and step_{{ i - 1 }}.removed_channel != transition_probabilities.to_state
        group by step_{{ i - 1 }}.conversion_type, step_{{ i - 1 }}.removed_channel, transition_probabilities.to_state

    ),
{% endfor %}

conversion_probabilities as (

    select
        scenarios.conversion_type,
        scenarios.removed_channel,
        coalesce(sum(last_step.mass), 0) as conversion_probability
    from scenarios
    left join step_{{ iterations }} as last_step
        on
            scenarios.conversion_type = last_step.conversion_type
            and scenarios.removed_channel = last_step.removed_channel
            and last_step.state = '(conversion)'
    group by scenarios.conversion_type, scenarios.removed_channel

),

in_flight as (

    select
        conversion_type,
        {{ gtm_warehouse.exact_sum('mass', 15) }} as in_flight_mass
    from step_{{ iterations }}
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
