{#- Every raw row of `ads_linkedin_campaign_daily`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per LinkedIn Ads campaign and day.
    Quarantine reasons: missing_primary_key, negative_spend, negative_count. -#}
{%- set columns -%}
    {{ gtm_warehouse.blank_to_null('account_id') }} as ad_account_id,
    {{ gtm_warehouse.blank_to_null('campaign_id') }} as campaign_id,
    'linkedin' as ad_platform,
    {{ gtm_warehouse.clean_text('campaign_name') }} as campaign_name,
    'USD' as currency_code,
    {{ gtm_warehouse.try_cast('impressions', dbt.type_bigint()) }} as impressions,
    {{ gtm_warehouse.try_cast('clicks', dbt.type_bigint()) }} as clicks,
    {{ gtm_warehouse.try_cast('cost_in_usd', 'double') }} as spend,
    cast(null as double) as platform_conversions,
    {{ gtm_warehouse.try_cast(adapter.quote('day'), 'date') }} as report_date,
{%- endset -%}
{%- set key -%}
    {{ dbt.concat(["cast(report_date as " ~ dbt.type_string() ~ ")", "'|'", "campaign_id"]) }}
{%- endset -%}

{{ gtm_warehouse.source_base(
    'ads',
    'ads_linkedin_campaign_daily',
    columns=columns,
    key=key,
    latest_first='loaded_at desc nulls last',
    extra_reasons=[
        ['spend < 0', 'negative_spend'],
        ['impressions < 0 or clicks < 0', 'negative_count'],
    ],
) }}
