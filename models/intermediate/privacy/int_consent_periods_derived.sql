{#- One row per person, consent category and consent update: the person's consent state in that category
    from this update until their next update of the category (Consent Preference Updated events; the
    latest update of any of the person's devices wins). Before a person's first update: no consent. -#}
{{ config(materialized='table') }}

with

consent_updates as (

    select
        message_id,
        consent_analytics,
        consent_advertising,
        consent_functional,
        consent_source,
        event_at
    from {{ ref('stg_segment__consent_preference_updated') }}

),

events as (

    select
        message_id,
        person_id
    from {{ ref('fct_events') }}
    where event_name = 'consent_preference_updated'

),

-- One row per update and category the update sets (a category left NULL keeps its previous state).
category_updates as (

    {%- for category in ['advertising', 'analytics', 'functional'] %}
        select
            consent_updates.message_id,
            events.person_id,
            '{{ category }}' as consent_category,
            consent_updates.consent_{{ category }} as is_granted,
            consent_updates.consent_source,
            consent_updates.event_at
        from consent_updates
        inner join events on consent_updates.message_id = events.message_id
        where consent_updates.consent_{{ category }} is not null
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

periods as (

    select
        {{ dbt.concat(['person_id', "'|'", 'consent_category', "'|'", 'message_id']) }} as consent_period_key,
        person_id,
        consent_category,
        is_granted,
        consent_source,
        message_id,
        event_at as valid_from,
        lead(event_at) over (
            partition by person_id, consent_category order by event_at, message_id
        ) as valid_to,
        row_number() over (
            partition by person_id, consent_category order by event_at, message_id
        ) as update_number
    from category_updates

),

final as (

    select
        consent_period_key,
        person_id,
        consent_category,
        is_granted,
        consent_source,
        message_id,
        update_number,
        valid_from,
        valid_to,
        valid_to is null as is_current
    from periods

)

select * from final
