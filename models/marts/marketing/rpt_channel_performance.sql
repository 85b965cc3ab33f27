{{ config(enabled=var("using_ads", true) and var("using_crm", true)) }}

{#- One row per (month, channel, campaign key, attribution model): ad spend next to the conversions each
    attribution model credits to the channel and campaign in that month (by conversion month): signups,
    leads, MQLs, opportunities, pipeline and revenue, cost per lead / MQL / opportunity and ROAS. Every
    model appears for every spend row, so models compare side by side (pivot on attribution_model).
    Spend without any attributed conversion still shows (zero credit); conversions on campaigns without
    spend show with zero spend (cost per X is then NULL, not 0). Money is in var gtm__reporting_currency:
    spend converted with seed currency_rates (unconverted spend is counted in unconverted_spend_rows, which
    a test refuses), CRM amounts from var gtm__crm_currency. -#}
{%- set models = ['first_touch', 'last_touch', 'last_non_direct', 'linear', 'u_shaped', 'w_shaped',
                  'time_decay', 'markov', 'shapley'] -%}

with

credits as (

    select
        conversion_type,
        converted_at,
        channel,
        campaign_key,
        amount,
        first_touch_credit,
        last_touch_credit,
        last_non_direct_credit,
        linear_credit,
        u_shaped_credit,
        w_shaped_credit,
        time_decay_credit,
        markov_credit,
        shapley_credit
    from {{ ref('fct_attribution_credits') }}

),

ad_spend as (

    select
        report_date,
        channel,
        campaign_key,
        impressions,
        clicks,
        spend_reporting,
        is_currency_unconverted
    from {{ ref('int_ad_spend_unioned') }}

),

crm_currency_rates as (

    select rate
    from {{ ref('currency_rates') }}
    where
        currency_code = '{{ var("gtm__crm_currency") }}'
        and reporting_currency = '{{ var("gtm__reporting_currency") }}'

),

credits_by_model as (

    {% for model in models %}
        select
            '{{ model }}' as attribution_model,
            conversion_type,
            converted_at,
            channel,
            campaign_key,
            amount,
            {{ model }}_credit as credit
        from credits
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

-- One row per credit with its contribution to each figure (0 where the conversion type does not count).
credit_terms as (

    select
        credits_by_model.attribution_model,
        cast({{ dbt.date_trunc('month', 'credits_by_model.converted_at') }} as date) as report_month,
        credits_by_model.channel,
        coalesce(credits_by_model.campaign_key, '(none)') as campaign_key,
        case when credits_by_model.conversion_type = 'signed_up' then credits_by_model.credit else 0 end
            as signup_credit,
        case when credits_by_model.conversion_type = 'lead_created' then credits_by_model.credit else 0 end
            as lead_credit,
        case when credits_by_model.conversion_type = 'mql' then credits_by_model.credit else 0 end as mql_credit,
        case when credits_by_model.conversion_type = 'opportunity_created' then credits_by_model.credit else 0 end
            as opportunity_credit,
        case when credits_by_model.conversion_type = 'closed_won' then credits_by_model.credit else 0 end
            as win_credit,
        case
            when credits_by_model.conversion_type = 'opportunity_created'
                then credits_by_model.credit * credits_by_model.amount * crm_currency_rates.rate
            else 0
        end as pipeline_credit,
        case
            when credits_by_model.conversion_type = 'closed_won'
                then credits_by_model.credit * credits_by_model.amount * crm_currency_rates.rate
            else 0
        end as revenue_credit
    from credits_by_model
    left join crm_currency_rates on 1 = 1

),

-- Sums independent of the order of their terms (macro exact_sum): the same rows on every engine and build.
attributed as (

    select
        attribution_model,
        report_month,
        channel,
        campaign_key,
        {{ gtm_warehouse.exact_sum('signup_credit', 9) }} as attributed_signups,
        {{ gtm_warehouse.exact_sum('lead_credit', 9) }} as attributed_leads,
        {{ gtm_warehouse.exact_sum('mql_credit', 9) }} as attributed_mqls,
        {{ gtm_warehouse.exact_sum('opportunity_credit', 9) }} as attributed_opportunities,
        {{ gtm_warehouse.exact_sum('win_credit', 9) }} as attributed_wins,
        {{ gtm_warehouse.exact_sum('pipeline_credit', 6) }} as attributed_pipeline,
        {{ gtm_warehouse.exact_sum('revenue_credit', 6) }} as attributed_revenue
    from credit_terms
    group by attribution_model, report_month, channel, campaign_key

),

monthly_spend as (

    select
        cast({{ dbt.date_trunc('month', 'report_date') }} as date) as report_month,
        channel,
        campaign_key,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        {{ gtm_warehouse.exact_sum('spend_reporting', 6) }} as spend,
        sum(case when is_currency_unconverted then 1 else 0 end) as unconverted_spend_rows
    from ad_spend
    group by cast({{ dbt.date_trunc('month', 'report_date') }} as date), channel, campaign_key

),

attribution_models as (

    {% for model in models %}
        select '{{ model }}' as attribution_model
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

spend_by_model as (

    select
        attribution_models.attribution_model,
        monthly_spend.report_month,
        monthly_spend.channel,
        monthly_spend.campaign_key,
        monthly_spend.impressions,
        monthly_spend.clicks,
        monthly_spend.spend,
        monthly_spend.unconverted_spend_rows
    from monthly_spend
    cross join attribution_models

),

keys as (

    select
        attribution_model,
        report_month,
        channel,
        campaign_key
    from spend_by_model
    union
    select
        attribution_model,
        report_month,
        channel,
        campaign_key
    from attributed

),

joined as (

    select
        keys.attribution_model,
        keys.report_month,
        keys.channel,
        keys.campaign_key,
        coalesce(spend_by_model.impressions, 0) as impressions,
        coalesce(spend_by_model.clicks, 0) as clicks,
        coalesce(spend_by_model.spend, 0) as spend,
        coalesce(spend_by_model.unconverted_spend_rows, 0) as unconverted_spend_rows,
        spend_by_model.attribution_model is not null as has_spend_row,
        coalesce(attributed.attributed_signups, 0) as attributed_signups,
        coalesce(attributed.attributed_leads, 0) as attributed_leads,
        coalesce(attributed.attributed_mqls, 0) as attributed_mqls,
        coalesce(attributed.attributed_opportunities, 0) as attributed_opportunities,
        coalesce(attributed.attributed_wins, 0) as attributed_wins,
        coalesce(attributed.attributed_pipeline, 0) as attributed_pipeline,
        coalesce(attributed.attributed_revenue, 0) as attributed_revenue
    from keys
    left join spend_by_model
        on
            keys.attribution_model = spend_by_model.attribution_model
            and keys.report_month = spend_by_model.report_month
            and keys.channel = spend_by_model.channel
            and keys.campaign_key = spend_by_model.campaign_key
    left join attributed
        on
            keys.attribution_model = attributed.attribution_model
            and keys.report_month = attributed.report_month
            and keys.channel = attributed.channel
            and keys.campaign_key = attributed.campaign_key

),

final as (

    select
        {{ dbt.concat([
            'attribution_model', "'|'", 'cast(report_month as ' ~ dbt.type_string() ~ ')', "'|'",
            'channel', "'|'", 'campaign_key',
        ]) }} as channel_performance_id,
        attribution_model,
        report_month,
        channel,
        campaign_key,
        '{{ var("gtm__reporting_currency") }}' as currency,
        impressions,
        clicks,
        -- No rounding here: every figure is an exact sum (macro exact_sum) or one division of exact sums, the
        -- same double on every engine and build. Rounding an exact sum again can land on a .5 tie, which
        -- DuckDB (scaled double) and Spark (exact decimal expansion) round apart.
        spend,
        has_spend_row,
        unconverted_spend_rows,
        attributed_signups,
        attributed_leads,
        attributed_mqls,
        attributed_opportunities,
        attributed_wins,
        attributed_pipeline,
        attributed_revenue,
        case when attributed_leads > 0 and has_spend_row then spend / attributed_leads end as cost_per_lead,
        case when attributed_mqls > 0 and has_spend_row then spend / attributed_mqls end as cost_per_mql,
        case
            when attributed_opportunities > 0 and has_spend_row then spend / attributed_opportunities
        end as cost_per_opportunity,
        case when spend > 0 then attributed_revenue / spend end as roas,
        case when spend > 0 then attributed_pipeline / spend end as pipeline_roas
    from joined

)

select * from final
