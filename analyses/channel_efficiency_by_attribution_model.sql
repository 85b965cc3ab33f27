{{ config(enabled=var('using_crm', true)) }}
-- Marketing: what a lead, an MQL and an opportunity cost per channel, and the return on ad spend, under each
-- attribution model (spend is the same under every model; the credited outcomes differ).
with

performance as (

    select
        attribution_model,
        channel,
        spend,
        attributed_leads,
        attributed_mqls,
        attributed_opportunities,
        attributed_pipeline,
        attributed_revenue
    from {{ ref('rpt_channel_performance') }}

),

totals as (

    select
        attribution_model,
        channel,
        sum(spend) as spend,
        sum(attributed_leads) as leads,
        sum(attributed_mqls) as mqls,
        sum(attributed_opportunities) as opportunities,
        sum(attributed_pipeline) as pipeline,
        sum(attributed_revenue) as revenue
    from performance
    group by attribution_model, channel

)

select
    attribution_model,
    channel,
    spend,
    leads,
    mqls,
    opportunities,
    pipeline,
    revenue,
    1.0 * spend / nullif(leads, 0) as cost_per_lead,
    1.0 * spend / nullif(mqls, 0) as cost_per_mql,
    1.0 * spend / nullif(opportunities, 0) as cost_per_opportunity,
    1.0 * revenue / nullif(spend, 0) as roas
from totals
order by attribution_model asc, spend desc, channel asc
