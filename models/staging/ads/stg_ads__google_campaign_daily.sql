with

base as (

    select * from {{ ref('base_ads__google_campaign_daily') }}

),

staged as (

    select
        _dq_key as campaign_day_id,
        ad_account_id,
        campaign_id,
        ad_platform,
        campaign_name,
        currency_code,
        impressions,
        clicks,
        spend,
        platform_conversions,
        report_date,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
