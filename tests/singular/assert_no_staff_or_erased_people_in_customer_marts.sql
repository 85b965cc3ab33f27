-- Customer marts hold no staff (int_people_internal) and no erased identifier (int_erased_identifiers):
-- marts built on dim_people / dim_accounts / fct_events never re-filter by hand. Staff events are in
-- fct_events flagged is_internal. Fails with the offending rows.
with

internal_people as (

    select person_id from {{ ref('int_people_internal') }}

),

erased as (

    select
        identifier_type,
        identifier_hash
    from {{ ref('int_erased_identifiers') }}

),

staff_in_people as (

    select
        'dim_people' as found_in,
        person_id as row_key
    from {{ ref('dim_people') }}
    where person_id in (select internal_people.person_id from internal_people)

),

staff_tied_to_accounts as (

    select
        'int_people_accounts_resolved' as found_in,
        person_id as row_key
    from {{ ref('int_people_accounts_resolved') }}
    where person_id in (select internal_people.person_id from internal_people)

),

staff_events_unflagged as (

    select
        'fct_events' as found_in,
        message_id as row_key
    from {{ ref('fct_events') }}
    where not is_internal and person_id in (select internal_people.person_id from internal_people)

),

erased_in_graph as (

    select
        'int_identities_stitched' as found_in,
        stitched.node_key as row_key
    from {{ ref('int_identities_stitched') }} as stitched
    inner join erased
        on
            stitched.identifier_type = erased.identifier_type
            and {{ dbt.hash('stitched.identifier_value') }} = erased.identifier_hash

),

-- One equi-join per identifier type (an `or` of the two in one join condition is a nested loop over
-- every event and every erased identifier).
erased_anonymous_events as (

    select
        'fct_events' as found_in,
        events.message_id as row_key
    from {{ ref('fct_events') }} as events
    inner join erased
        on
            erased.identifier_type = 'anonymous_id'
            and {{ dbt.hash('events.anonymous_id') }} = erased.identifier_hash

),

erased_user_events as (

    select
        'fct_events' as found_in,
        events.message_id as row_key
    from {{ ref('fct_events') }} as events
    inner join erased
        on
            erased.identifier_type = 'user_id'
            and {{ dbt.hash('events.user_id') }} = erased.identifier_hash

),

erased_events as (

    select
        found_in,
        row_key
    from erased_anonymous_events
    union distinct
    select
        found_in,
        row_key
    from erased_user_events

)

select * from staff_in_people
union all
select * from staff_tied_to_accounts
union all
select * from staff_events_unflagged
union all
select * from erased_in_graph
union all
select * from erased_events
