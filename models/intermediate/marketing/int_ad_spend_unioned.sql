{{ config(enabled=var("using_ads", true) and var("using_crm", true)) }}

{#- One row per ad platform campaign and day, from the three ad platforms, keyed like the rest of marketing:
    campaign_key = the platform's campaign name lower-cased and trimmed (it is the UTM campaign). Channel:
    the CRM campaign's (int_campaigns_keyed) when the key is a known campaign, else seed
    ad_platform_channels by platform. Spend is converted to var gtm__reporting_currency with seed
    currency_rates; a currency without a rate keeps spend_reporting NULL and is_currency_unconverted, which a
    test refuses loudly. Spend whose campaign is unknown to the CRM (or has no name) is kept. -#}
with

google as (

    select
        campaign_day_id,
        ad_platform,
        campaign_id,
        campaign_name,
        currency_code,
        impressions,
        clicks,
        spend,
        report_date
    from {{ ref('stg_ads__google_campaign_daily') }}

),

facebook as (

    select
        campaign_day_id,
        ad_platform,
        campaign_id,
        campaign_name,
        currency_code,
        impressions,
        clicks,
        spend,
        report_date
    from {{ ref('stg_ads__facebook_campaign_daily') }}

),

linkedin as (

    select
        campaign_day_id,
        ad_platform,
        campaign_id,
        campaign_name,
        currency_code,
        impressions,
        clicks,
        spend,
        report_date
    from {{ ref('stg_ads__linkedin_campaign_daily') }}

),

campaigns as (

    select
        campaign_key,
        campaign_id,
        channel
    from {{ ref('int_campaigns_keyed') }}
    where is_key_owner

),

platform_channels as (

    select
        ad_platform,
        channel
    from {{ ref('ad_platform_channels') }}

),

currency_rates as (

    select
        currency_code,
        rate
    from {{ ref('currency_rates') }}
    where reporting_currency = '{{ var("gtm__reporting_currency") }}'

),

unioned as (

    select * from google
    union all
    select * from facebook
    union all
    select * from linkedin

),

final as (

    select
        {{ dbt.concat(['unioned.ad_platform', "'|'", 'unioned.campaign_day_id']) }} as ad_spend_id,
        unioned.ad_platform,
        unioned.campaign_id as ad_campaign_id,
        unioned.campaign_name,
        coalesce(lower(trim(unioned.campaign_name)), '(unknown campaign)') as campaign_key,
        campaigns.campaign_id as crm_campaign_id,
        coalesce(campaigns.channel, platform_channels.channel, 'Other') as channel,
        unioned.report_date,
        unioned.impressions,
        unioned.clicks,
        unioned.currency_code,
        unioned.spend,
        unioned.spend * currency_rates.rate as spend_reporting,
        currency_rates.rate is null as is_currency_unconverted
    from unioned
    left join campaigns on lower(trim(unioned.campaign_name)) = campaigns.campaign_key
    left join platform_channels on unioned.ad_platform = platform_channels.ad_platform
    left join currency_rates on upper(unioned.currency_code) = currency_rates.currency_code

)

select * from final
