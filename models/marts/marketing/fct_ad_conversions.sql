{#- One row per conversion and ad platform conversion action (seed ad_conversion_actions): what may be
    uploaded to Google Ads / Meta, gated by advertising consent. No plaintext email or phone: only their
    SHA-256 hashes, normalised per platform. -#}
{%- set windows = var('gtm__ad_upload_window_days') %}
{%- set click_window_start = gtm_warehouse.timestamp_add_days(
    'conversion_actions.converted_at', '-conversion_actions.upload_window_days'
) %}

with

conversions as (

    select
        conversion_id,
        conversion_type,
        person_id,
        converted_at,
        amount,
        currency
    from {{ ref('fct_conversions') }}

),

actions as (

    select
        platform,
        conversion_type,
        conversion_action,
        sends_value
    from {{ ref('ad_conversion_actions') }}

),

consent as (

    select
        person_id,
        is_granted,
        valid_from,
        valid_to
    from {{ ref('int_consent_periods_derived') }}
    where consent_category = 'advertising'

),

sessions as (

    select
        session_id,
        person_id,
        started_at,
        ended_at,
        gclid,
        fbclid
    from {{ ref('fct_sessions') }}

),

people as (

    select
        person_id,
        primary_email
    from {{ ref('dim_people') }}

),

identities as (

    select
        identifier_type,
        identifier_value,
        person_id
    from {{ ref('int_identities_stitched') }}
    where identifier_type in ('crm_contact_id', 'crm_lead_id')

),

crm_leads as (

    select
        lead_id,
        phone,
        modified_at
    from {{ ref('stg_crm__leads') }}
    where phone is not null and not coalesce(is_deleted, false)

),

crm_contacts as (

    select
        contact_id,
        phone,
        modified_at
    from {{ ref('stg_crm__contacts') }}
    where phone is not null and not coalesce(is_deleted, false)

),

-- Upload windows per platform (var gtm__ad_upload_window_days).
platform_windows as (

    {%- for platform, days in windows.items() | sort %}
        select
            '{{ platform }}' as platform,
            {{ days }} as upload_window_days
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

-- "Send time": the newest activity in the warehouse (deterministic; equals now for fresh data).
export_clock as (

    select max(ended_at) as export_as_of
    from sessions

),

crm_phones as (

    select
        'crm_contact_id' as identifier_type,
        contact_id as record_id,
        phone,
        modified_at,
        1 as source_rank
    from crm_contacts
    union all
    select
        'crm_lead_id' as identifier_type,
        lead_id as record_id,
        phone,
        modified_at,
        2 as source_rank
    from crm_leads

),

-- A person's phone: their contact's, else their lead's; the most recently modified record first.
person_phones as (

    select
        person_id,
        phone
    from (
        select
            identities.person_id,
            crm_phones.phone,
            row_number() over (
                partition by identities.person_id
                order by crm_phones.source_rank asc, crm_phones.modified_at desc nulls last, crm_phones.record_id asc
            ) as phone_rank
        from crm_phones
        inner join identities
            on
                crm_phones.identifier_type = identities.identifier_type
                and crm_phones.record_id = identities.identifier_value
    ) as ranked_phones
    where phone_rank = 1

),

conversion_actions as (

    select
        conversions.conversion_id,
        conversions.conversion_type,
        conversions.person_id,
        conversions.converted_at,
        conversions.amount,
        conversions.currency,
        actions.platform,
        actions.conversion_action,
        actions.sends_value,
        platform_windows.upload_window_days
    from conversions
    inner join actions on conversions.conversion_type = actions.conversion_type
    inner join platform_windows on actions.platform = platform_windows.platform

),

-- The latest ad click of the person before the conversion, within the platform's window.
clicks as (

    select
        conversion_actions.conversion_id,
        conversion_actions.platform,
        sessions.started_at as clicked_at,
        case when conversion_actions.platform = 'google_ads' then sessions.gclid else sessions.fbclid end as click_id,
        row_number() over (
            partition by conversion_actions.conversion_id, conversion_actions.platform
            order by sessions.started_at desc, sessions.session_id desc
        ) as click_rank
    from conversion_actions
    inner join sessions
        on
            conversion_actions.person_id = sessions.person_id
            and conversion_actions.converted_at >= sessions.started_at
            and sessions.started_at
            > {{ click_window_start }}
            and (
                (conversion_actions.platform = 'google_ads' and sessions.gclid is not null)
                or (conversion_actions.platform = 'meta' and sessions.fbclid is not null)
            )

),

-- Advertising consent when the conversion happened.
consent_at_conversion as (

    select
        conversions.conversion_id,
        consent.is_granted
    from conversions
    inner join consent
        on
            conversions.person_id = consent.person_id
            and conversions.converted_at >= consent.valid_from
            and (consent.valid_to is null or conversions.converted_at < consent.valid_to)

),

-- The first consent given after the conversion: it releases a conversion made without consent.
later_grants as (

    select
        conversions.conversion_id,
        min(consent.valid_from) as first_granted_after
    from conversions
    inner join consent
        on
            conversions.person_id = consent.person_id
            and consent.is_granted
            and conversions.converted_at < consent.valid_from
    group by conversions.conversion_id

),

current_consent as (

    select
        person_id,
        is_granted
    from consent
    where valid_to is null

),

gated as (

    select
        conversion_actions.conversion_id,
        conversion_actions.platform,
        conversion_actions.conversion_action,
        conversion_actions.conversion_type,
        conversion_actions.person_id,
        conversion_actions.converted_at,
        conversion_actions.upload_window_days,
        clicks.click_id,
        clicks.clicked_at,
        person_phones.phone as phone_e164,
        export_clock.export_as_of,
        case when conversion_actions.sends_value then conversion_actions.amount end as conversion_value,
        case when conversion_actions.sends_value then conversion_actions.currency end as currency,
        lower(trim(people.primary_email)) as email_normalised,
        coalesce(consent_at_conversion.is_granted, false) as is_consented_at_conversion,
        case
            when consent_at_conversion.is_granted then conversion_actions.converted_at
            else later_grants.first_granted_after
        end as released_at,
        coalesce(current_consent.is_granted, false) as is_consented_now,
        conversion_actions.converted_at
        < {{ gtm_warehouse.timestamp_add_days('export_clock.export_as_of', '-conversion_actions.upload_window_days') }}
            as is_outside_upload_window
    from conversion_actions
    cross join export_clock
    left join clicks
        on
            conversion_actions.conversion_id = clicks.conversion_id
            and conversion_actions.platform = clicks.platform
            and clicks.click_rank = 1
    left join people on conversion_actions.person_id = people.person_id
    left join person_phones on conversion_actions.person_id = person_phones.person_id
    left join consent_at_conversion on conversion_actions.conversion_id = consent_at_conversion.conversion_id
    left join later_grants on conversion_actions.conversion_id = later_grants.conversion_id
    left join current_consent on conversion_actions.person_id = current_consent.person_id

),

-- Platform rules for user data: Google Ads hashes the E.164 phone with its `+` and drops the dots of a
-- gmail.com / googlemail.com local part; Meta hashes the phone's digits only. Both: trimmed, lower case.
identifiers as (

    select
        gated.*,
        case
            when
                gated.platform = 'google_ads'
                and {{ dbt.split_part('email_normalised', "'@'", 2) }} in ('gmail.com', 'googlemail.com')
                then {{ dbt.concat([
                    "replace(" ~ dbt.split_part('email_normalised', "'@'", 1) ~ ", '.', '')",
                    "'@'",
                    dbt.split_part('email_normalised', "'@'", 2),
                ]) }}
            else gated.email_normalised
        end as email_for_platform,
        case when gated.platform = 'meta' then substr(gated.phone_e164, 2) else gated.phone_e164 end
            as phone_for_platform,
        case
            when gated.platform = 'meta' and gated.click_id is not null
                then {{ dbt.concat([
                    "'fb.1.'",
                    "cast(cast(floor(" ~ gtm_warehouse.epoch_microseconds('clicked_at') ~ " / 1000) as "
                        ~ dbt.type_bigint() ~ ") as " ~ dbt.type_string() ~ ")",
                    "'.'",
                    'click_id',
                ]) }}
        end as fbc
    from gated

),

final as (

    select
        {{ dbt.concat(['conversion_id', "'|'", 'platform']) }} as ad_conversion_key,
        conversion_id,
        platform,
        conversion_action,
        conversion_type,
        person_id,
        converted_at,
        conversion_value,
        currency,
        {{ dbt.hash('conversion_id') }} as event_id,
        case when platform = 'google_ads' then click_id end as gclid,
        case when platform = 'meta' then click_id end as fbclid,
        fbc,
        cast(null as {{ dbt.type_string() }}) as fbp,
        clicked_at,
        {{ gtm_warehouse.sha256('email_for_platform') }} as hashed_email,
        {{ gtm_warehouse.sha256('phone_for_platform') }} as hashed_phone,
        is_consented_at_conversion,
        released_at,
        is_consented_now,
        upload_window_days,
        export_as_of,
        is_outside_upload_window,
        case
            when person_id is null then 'no_person'
            when released_at is null then 'no_consent'
            when not is_consented_now then 'consent_withdrawn'
            when is_outside_upload_window then 'outside_upload_window'
            when click_id is null and email_for_platform is null and phone_for_platform is null then 'no_identifier'
            else 'exportable'
        end as export_status
    from identifiers

)

select
    ad_conversion_key,
    conversion_id,
    platform,
    conversion_action,
    conversion_type,
    person_id,
    converted_at,
    conversion_value,
    currency,
    event_id,
    gclid,
    fbclid,
    fbc,
    fbp,
    clicked_at,
    hashed_email,
    hashed_phone,
    is_consented_at_conversion,
    released_at,
    is_consented_now,
    upload_window_days,
    export_as_of,
    is_outside_upload_window,
    export_status,
    export_status = 'exportable' as is_exportable
from final
