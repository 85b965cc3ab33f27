{{ config(enabled=var('using_crm', true)) }}
-- Sales: are MQLs worth calling? MQL episodes per month and trigger, and how many of their accounts opened
-- an opportunity after the MQL (on or after mql_at).
with

episodes as (

    select
        mql_episode_id,
        account_id,
        trigger_type,
        mql_at
    from {{ ref('fct_mql_episodes') }}

),

opportunities as (

    select
        account_id,
        converted_at
    from {{ ref('fct_conversions') }}
    where conversion_type = 'opportunity_created' and account_id is not null

),

episode_outcomes as (

    select
        episodes.mql_episode_id,
        episodes.trigger_type,
        cast({{ dbt.date_trunc('month', 'episodes.mql_at') }} as date) as mql_month,
        max(case when opportunities.account_id is not null then 1 else 0 end) as has_opportunity_after
    from episodes
    left join opportunities
        on
            episodes.account_id = opportunities.account_id
            and episodes.mql_at <= opportunities.converted_at
    group by episodes.mql_episode_id, episodes.trigger_type, episodes.mql_at

)

select
    mql_month,
    trigger_type,
    count(*) as mql_episodes,
    sum(has_opportunity_after) as episodes_with_opportunity,
    1.0 * sum(has_opportunity_after) / count(*) as mql_to_opportunity_rate
from episode_outcomes
group by mql_month, trigger_type
order by mql_month, trigger_type
