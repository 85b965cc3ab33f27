{#- One row per page or track event (every staged Segment page and track call), with the person,
    account and session it belongs to. Server-side events carry no anonymous_id and no session.

    Incremental (delete+insert on message_id). A run rebuilds:
    * events loaded within var gtm__lookback_hours of the newest row built;
    * every event of a device that has such an event (its sessions may merge or split);
    * every event whose person, account or internal flag changed (a new identify re-stitched two profiles);
    and a post-hook deletes the events of people erased since (int_erased_identifiers).
    So an incremental run gives the same rows as a full refresh.
    Staff events are kept, flagged is_internal (int_people_internal): count them on purpose, filter
    them out of customer analyses with `not is_internal`. -#}
{#- Spark/parquet has no delete+insert: there the model is rebuilt in full each run (DECISIONS.md, Portability). -#}
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    unique_key='message_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ gtm_warehouse.erase_rows_hook([['anonymous_id', 'anonymous_id'], ['user_id', 'user_id']]) }}",
) }}

with

-- web events (with an anonymous_id) come sessionized; server-side ones belong to no session
web_events as (

    select
        message_id,
        event_type,
        case when event_type = 'page' then 'page_viewed' else event_name end as event_name,
        event_at,
        anonymous_id,
        user_id,
        session_id,
        page_url,
        page_path,
        page_title,
        referrer_host,
        utm_source,
        utm_medium,
        utm_campaign,
        library_name,
        received_at,
        loaded_at
    from {{ ref('int_web_events_sessionized') }}

),

server_pages as (

    select
        message_id,
        'page' as event_type,
        'page_viewed' as event_name,
        event_at,
        anonymous_id,
        user_id,
        cast(null as {{ dbt.type_string() }}) as session_id,
        page_url,
        page_path,
        page_title,
        referrer_host,
        utm_source,
        utm_medium,
        utm_campaign,
        library_name,
        received_at,
        loaded_at
    from {{ ref('stg_segment__pages') }}
    where
        anonymous_id is null
        and {{ gtm_warehouse.not_erased([['user_id', 'user_id']], ref('int_erased_identifiers')) }}

),

server_tracks as (

    select
        message_id,
        'track' as event_type,
        event as event_name,
        event_at,
        anonymous_id,
        user_id,
        cast(null as {{ dbt.type_string() }}) as session_id,
        page_url,
        page_path,
        page_title,
        referrer_host,
        utm_source,
        utm_medium,
        utm_campaign,
        library_name,
        received_at,
        loaded_at
    from {{ ref('stg_segment__tracks') }}
    where
        anonymous_id is null
        and {{ gtm_warehouse.not_erased([['user_id', 'user_id']], ref('int_erased_identifiers')) }}

),

identities as (

    select
        identifier_type,
        identifier_value,
        person_id
    from {{ ref('int_identities_stitched') }}

),

people_accounts as (

    select
        person_id,
        account_id
    from {{ ref('int_people_accounts_resolved') }}

),

internal_people as (

    select person_id from {{ ref('int_people_internal') }}

),

events as (

    select * from web_events
    union all
    select * from server_pages
    union all
    select * from server_tracks

),

identified as (

    select
        events.*,
        {{ gtm_warehouse.resolve_event_person('events.user_id', 'events.anonymous_id') }} as person_id
    from events
    {{ gtm_warehouse.identity_joins('events.user_id', 'events.anonymous_id') }}

),

{% if is_incremental() %}
    reprocess_window as (

        select
            {{ dbt.dateadd('hour', -1 * var('gtm__lookback_hours'),
                "coalesce(max(loaded_at), cast('1900-01-01' as " ~ dbt.type_timestamp() ~ "))") }} as reprocess_from
        from {{ this }}

    ),

    -- both read upstream tables, not the CTEs above: DuckDB materializes a CTE that is read twice
    affected_devices as (

        select distinct recent.anonymous_id
        from {{ ref('int_web_events_sessionized') }} as recent
        cross join reprocess_window
        where recent.loaded_at >= reprocess_window.reprocess_from

    ),

    -- Re-stitch check once per distinct identity of the built events (user_id, anonymous_id and what was
    -- stored for them), not once per event: a few identities per device instead of every event.
    built_identities as (

        select distinct
            user_id,
            anonymous_id,
            person_id,
            account_id,
            is_internal
        from {{ this }}

    ),

    restitched_identities as (

        select distinct
            built.user_id,
            built.anonymous_id
        from built_identities as built
        {{ gtm_warehouse.identity_joins('built.user_id', 'built.anonymous_id') }}
        left join people_accounts
            on
                people_accounts.person_id
                = {{ gtm_warehouse.resolve_event_person('built.user_id', 'built.anonymous_id') }}
        left join internal_people
            on
                internal_people.person_id
                = {{ gtm_warehouse.resolve_event_person('built.user_id', 'built.anonymous_id') }}
        where
            built.person_id
            != {{ gtm_warehouse.resolve_event_person('built.user_id', 'built.anonymous_id') }}
            or coalesce(built.account_id, '') != coalesce(people_accounts.account_id, '')
            or built.is_internal != (internal_people.person_id is not null)

    ),

    -- every built event of a changed identity (NULL ids compared as ''; a wider match only rebuilds more)
    restitched as (

        select built.message_id
        from {{ this }} as built
        inner join restitched_identities
            on
                coalesce(built.user_id, '') = coalesce(restitched_identities.user_id, '')
                and coalesce(built.anonymous_id, '') = coalesce(restitched_identities.anonymous_id, '')

    ),
{% endif %}

scoped as (

    select identified.*
    from identified
    {%- if is_incremental() %}
        where
            identified.loaded_at >= (select reprocess_window.reprocess_from from reprocess_window)
            or identified.anonymous_id in (select affected_devices.anonymous_id from affected_devices)
            or identified.message_id in (select restitched.message_id from restitched)
    {%- endif %}

),

final as (

    select
        scoped.message_id,
        scoped.event_type,
        scoped.event_name,
        scoped.event_at,
        scoped.person_id,
        people_accounts.account_id,
        scoped.session_id,
        scoped.anonymous_id,
        scoped.user_id,
        scoped.page_url,
        scoped.page_path,
        scoped.page_title,
        scoped.referrer_host,
        scoped.utm_source,
        scoped.utm_medium,
        scoped.utm_campaign,
        scoped.library_name,
        scoped.received_at,
        scoped.loaded_at,
        scoped.anonymous_id is null as is_server_side,
        internal_people.person_id is not null as is_internal
    from scoped
    left join people_accounts on scoped.person_id = people_accounts.person_id
    left join internal_people on scoped.person_id = internal_people.person_id

)

select * from final
