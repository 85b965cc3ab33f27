{#- One row per web session, with its person and account, landing page, campaign, channel, entry point
    and device class.

    Incremental (delete+insert on anonymous_id): a run rebuilds every session of each device with an
    event loaded within var gtm__lookback_hours of the newest session built (a late event can merge or
    split sessions anywhere in the device's history), and every device whose sessions' person or
    account or internal flag changed (re-stitching); a post-hook deletes the sessions of people erased
    since (int_erased_identifiers). So an incremental run equals a full refresh. Staff sessions are kept,
    flagged is_internal. -#}
{#- Spark/parquet has no delete+insert: there the model is rebuilt in full each run (DECISIONS.md, Portability). -#}
{{ config(
    materialized=('table' if target.type == 'spark' else 'incremental'),
    unique_key='anonymous_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook="{{ gtm_warehouse.erase_rows_hook([['anonymous_id', 'anonymous_id'], ['user_id', 'user_id']]) }}",
) }}
{#- the erasure post-hook reads int_erased_identifiers -#}
{%- set erased_identifiers = ref('int_erased_identifiers') -%}

with

sessions as (

    select
        session_id,
        anonymous_id,
        user_id,
        started_at,
        ended_at,
        duration_seconds,
        landing_page_url,
        landing_page_path,
        landing_page_title,
        page_referrer,
        referrer_host,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_term,
        utm_content,
        gclid,
        fbclid,
        li_fat_id,
        msclkid,
        device_class,
        channel,
        entry_point,
        page_count,
        track_count,
        event_count,
        last_loaded_at
    from {{ ref('int_sessions_aggregated') }}

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

identified as (

    select
        sessions.*,
        {{ gtm_warehouse.resolve_event_person('sessions.user_id', 'sessions.anonymous_id') }} as person_id
    from sessions
    {{ gtm_warehouse.identity_joins('sessions.user_id', 'sessions.anonymous_id') }}

),

with_account as (

    select
        identified.*,
        people_accounts.account_id,
        internal_people.person_id is not null as is_internal
    from identified
    left join people_accounts on identified.person_id = people_accounts.person_id
    left join internal_people on identified.person_id = internal_people.person_id

),

{% if is_incremental() %}
    reprocess_window as (

        select
            {{ dbt.dateadd('hour', -1 * var('gtm__lookback_hours'),
                "coalesce(max(loaded_at), cast('1900-01-01' as " ~ dbt.type_timestamp() ~ "))") }} as reprocess_from
        from {{ this }}

    ),

    -- both branches read upstream tables, not the CTEs above: DuckDB materializes a CTE read twice
    affected_devices as (

        select recent.anonymous_id
        from {{ ref('int_sessions_aggregated') }} as recent
        cross join reprocess_window
        where recent.last_loaded_at >= reprocess_window.reprocess_from
        union
        select built.anonymous_id
        from {{ this }} as built
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
{% endif %}

scoped as (

    select *
    from with_account
    {%- if is_incremental() %}
        where anonymous_id in (select affected_devices.anonymous_id from affected_devices)
    {%- endif %}

),

final as (

    select
        session_id,
        person_id,
        account_id,
        anonymous_id,
        user_id,
        started_at,
        ended_at,
        duration_seconds,
        channel,
        entry_point,
        device_class,
        landing_page_url,
        landing_page_path,
        landing_page_title,
        page_referrer,
        referrer_host,
        utm_source,
        utm_medium,
        utm_campaign,
        utm_term,
        utm_content,
        gclid,
        fbclid,
        li_fat_id,
        msclkid,
        page_count,
        track_count,
        event_count,
        last_loaded_at as loaded_at,
        is_internal,
        event_count = 1 as is_bounce
    from scoped

)

select * from final
