{{ config(enabled=var('using_crm', true)) }}
-- CRM amounts are in var gtm__crm_currency: without a rate to var gtm__reporting_currency in seed
-- currency_rates, pipeline and revenue cannot be reported. Returns a row (fails) when the rate is missing.
with

matching_rates as (

    select count(*) as rate_count
    from {{ ref('currency_rates') }}
    where
        currency_code = '{{ var("gtm__crm_currency") }}'
        and reporting_currency = '{{ var("gtm__reporting_currency") }}'

)

select
    '{{ var("gtm__crm_currency") }}' as crm_currency,
    '{{ var("gtm__reporting_currency") }}' as reporting_currency
from matching_rates
where rate_count != 1
