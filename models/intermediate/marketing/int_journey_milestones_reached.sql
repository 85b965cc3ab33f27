{#- One row per person and journey milestone (seed journey_milestones) they reached: when first. -#}
{{ config(materialized='table') }}

with

events as (

    select
        message_id,
        person_id,
        event_name,
        page_path,
        event_at
    from {{ ref('fct_events') }}

),

-- each distinct viewed path is matched against the key page patterns once, not once per page view
viewed_paths as (

    select distinct page_path
    from {{ ref('fct_events') }}
    where event_name = 'page_viewed'

),

milestones as (

    select
        milestone,
        event_name,
        requires_key_page
    from {{ ref('journey_milestones') }}

),

key_pages as (

    select page_path_pattern
    from {{ ref('key_pages') }}

),

key_page_paths as (

    select distinct viewed_paths.page_path
    from viewed_paths
    inner join key_pages
        on {{ gtm_warehouse.regexp_matches_expression('viewed_paths.page_path', 'key_pages.page_path_pattern') }}

),

milestone_events as (

    select
        events.person_id,
        milestones.milestone,
        events.message_id,
        events.event_at
    from events
    inner join milestones on events.event_name = milestones.event_name
    left join key_page_paths
        on
            events.event_name = 'page_viewed'
            and events.page_path = key_page_paths.page_path
    where not milestones.requires_key_page or key_page_paths.page_path is not null

),

reached as (

    select
        person_id,
        milestone,
        min(event_at) as first_reached_at,
        count(*) as milestone_events
    from milestone_events
    group by person_id, milestone

)

select * from reached
