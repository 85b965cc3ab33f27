{{ config(enabled=var('using_crm', true)) }}
-- Marketing / finance: pipeline (opportunity amounts) and revenue (closed-won amounts) credited to each
-- channel by each of the nine attribution models, side by side; one row per model and channel.
with

credits as (

    select
        conversion_type,
        channel,
        first_touch_amount,
        last_touch_amount,
        last_non_direct_amount,
        linear_amount,
        u_shaped_amount,
        w_shaped_amount,
        time_decay_amount,
        markov_amount,
        shapley_amount
    from {{ ref('fct_attribution_credits') }}
    where conversion_type in ('opportunity_created', 'closed_won')

),

{%- set models = ['first_touch', 'last_touch', 'last_non_direct', 'linear', 'u_shaped', 'w_shaped',
                  'time_decay', 'markov', 'shapley'] %}

by_model as (
    {%- for model in models %}

        select
            '{{ model }}' as attribution_model,
            channel,
            conversion_type,
            {{ model }}_amount as credited_amount
        from credits
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

final as (

    select
        attribution_model,
        channel,
        sum(case when conversion_type = 'opportunity_created' then credited_amount else 0 end) as pipeline,
        sum(case when conversion_type = 'closed_won' then credited_amount else 0 end) as revenue
    from by_model
    group by attribution_model, channel

)

select
    attribution_model,
    channel,
    pipeline,
    revenue,
    pipeline / sum(pipeline) over (partition by attribution_model) as pipeline_share
from final
order by attribution_model asc, pipeline desc, channel asc
