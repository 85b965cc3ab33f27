{#- One row per person (or, for events tied to no known person, per email address) with email
    deliverability: hard bounces (bounce types in var gtm__email_undeliverable_bounce_types) and
    unsubscribes from the Segment `Email Bounced` / `Email Unsubscribed` events. The person is the one
    of the event's user_id / anonymous_id (identity graph), else the one of its email address; an event
    matching nobody keeps a row keyed by its address, so email audiences can still exclude it. -#}
{%- set undeliverable = var('gtm__email_undeliverable_bounce_types') -%}

with

bounced as (

    select
        user_id,
        anonymous_id,
        email_address,
        event_at,
        'bounced' as deliverability_event
    from {{ ref('stg_segment__email_bounced') }}
    -- an erased person's events leave here (right to erasure: int_erased_identifiers)
    where
        bounce_type in ('{{ undeliverable | join("', '") }}')
        and {{ gtm_warehouse.not_erased(
            [['anonymous_id', 'anonymous_id'], ['user_id', 'user_id']], ref('int_erased_identifiers')
        ) }}

),

unsubscribed as (

    select
        user_id,
        anonymous_id,
        email_address,
        event_at,
        'unsubscribed' as deliverability_event
    from {{ ref('stg_segment__email_unsubscribed') }}
    where {{ gtm_warehouse.not_erased(
        [['anonymous_id', 'anonymous_id'], ['user_id', 'user_id']], ref('int_erased_identifiers')
    ) }}

),

identities as (

    select
        identifier_type,
        identifier_value,
        person_id
    from {{ ref('int_identities_stitched') }}

),

events_unioned as (

    select * from bounced
    union all
    select * from unsubscribed

),

events_resolved as (

    select
        events_unioned.email_address,
        events_unioned.event_at,
        events_unioned.deliverability_event,
        coalesce(
            user_identity.person_id,
            device_identity.person_id,
            email_identity.person_id
        ) as person_id
    from events_unioned
    {{ gtm_warehouse.identity_joins('events_unioned.user_id', 'events_unioned.anonymous_id') }}
    left join identities as email_identity
        on
            email_identity.identifier_type = 'email'
            and events_unioned.email_address = email_identity.identifier_value

),

keyed as (

    select
        coalesce(person_id, {{ dbt.concat(["'email:'", 'email_address']) }}) as deliverability_key,
        person_id,
        email_address,
        event_at,
        deliverability_event
    from events_resolved
    where person_id is not null or email_address is not null

),

final as (

    select
        deliverability_key,
        max(person_id) as person_id,
        {{ gtm_warehouse.first_by('email_address', 'event_at') }} as email_address,
        min(case when deliverability_event = 'bounced' then event_at end) as first_bounced_at,
        min(case when deliverability_event = 'unsubscribed' then event_at end) as first_unsubscribed_at,
        sum(case when deliverability_event = 'bounced' then 1 else 0 end) as bounce_count,
        sum(case when deliverability_event = 'unsubscribed' then 1 else 0 end) as unsubscribe_count
    from keyed
    group by deliverability_key

)

select
    deliverability_key,
    person_id,
    email_address,
    first_bounced_at,
    first_unsubscribed_at,
    bounce_count,
    unsubscribe_count,
    first_bounced_at is not null as is_bounced,
    first_unsubscribed_at is not null as is_unsubscribed,
    first_bounced_at is null and first_unsubscribed_at is null as is_deliverable
from final
