{{ config(enabled=var('using_crm', true)) }}
{#- No conversion is exportable to an ad platform unless, recomputed straight from the consent periods,
    the person consents to advertising now (at send time) AND gave that consent at or after the
    conversion's time (consent held when it happened, or given later, releasing it). Also: nothing
    exportable without a person, outside the upload window, or with plaintext email / phone. -#}

with

exportable as (

    select
        ad_conversion_key,
        person_id,
        converted_at,
        is_outside_upload_window,
        hashed_email,
        hashed_phone
    from {{ ref('fct_ad_conversions') }}
    where is_exportable

),

advertising_consent as (

    select
        person_id,
        is_granted,
        valid_from,
        valid_to
    from {{ ref('int_consent_periods_derived') }}
    where consent_category = 'advertising'

),

consented_now as (

    select person_id
    from advertising_consent
    where valid_to is null and is_granted

),

-- a granted period that is still running at, or starts after, the conversion
released as (

    select distinct exportable.ad_conversion_key
    from exportable
    inner join advertising_consent
        on
            exportable.person_id = advertising_consent.person_id
            and advertising_consent.is_granted
            and (advertising_consent.valid_to is null or exportable.converted_at < advertising_consent.valid_to)

),

violations as (

    select
        exportable.ad_conversion_key,
        case
            when exportable.person_id is null then 'exportable without a person'
            when consented_now.person_id is null then 'no advertising consent at send time'
            when released.ad_conversion_key is null then 'consent never covered the conversion'
            when exportable.is_outside_upload_window then 'outside the upload window'
            when
                exportable.hashed_email like '%@%' or exportable.hashed_phone like '+%'
                or length(exportable.hashed_email) != 64 or length(exportable.hashed_phone) != 64
                then 'plaintext or malformed identifier'
        end as problem
    from exportable
    left join consented_now on exportable.person_id = consented_now.person_id
    left join released on exportable.ad_conversion_key = released.ad_conversion_key

)

select * from violations
where problem is not null
