{#- Grain: one row per CRM lead and one of its person's latest events (var gtm__sales_timeline_event_count
    per lead, newest first; ties: message id): the timeline a CRM panel shows (Profile API), with
    readable properties: event name as sent, page name, path, referrer, title, url, search, campaign.
    A lead whose person has no events has no rows. -#}
with

leads as (

    select
        lead_id,
        person_id
    from {{ ref('int_leads_resolved') }}

),

events as (

    select
        message_id,
        person_id,
        event_type,
        event_name,
        event_at,
        page_url,
        page_path,
        page_title,
        utm_campaign
    from {{ ref('fct_events') }}

),

pages as (

    select
        message_id,
        page_name,
        page_referrer,
        page_search
    from {{ ref('stg_segment__pages') }}

),

tracks as (

    select
        message_id,
        event as event_label,
        page_referrer,
        page_search
    from {{ ref('stg_segment__tracks') }}

),

lead_events_ranked as (

    select
        leads.lead_id,
        events.message_id,
        events.event_type,
        events.event_name,
        events.event_at,
        events.page_url,
        events.page_path,
        events.page_title,
        events.utm_campaign,
        row_number() over (
            partition by leads.lead_id order by events.event_at desc, events.message_id desc
        ) as event_rank
    from leads
    inner join events
        on leads.person_id = events.person_id

),

timeline as (

    select
        {{ dbt.hash(dbt.concat(['lead_events_ranked.lead_id', "'|'", 'lead_events_ranked.message_id'])) }}
            as lead_timeline_id,
        lead_events_ranked.lead_id,
        lead_events_ranked.event_rank,
        lead_events_ranked.message_id,
        lead_events_ranked.event_at,
        lead_events_ranked.event_type,
        lead_events_ranked.event_name,
        case
            when lead_events_ranked.event_type = 'page' then 'Page Viewed'
            else coalesce(tracks.event_label, lead_events_ranked.event_name)
        end as event_label,
        pages.page_name,
        lead_events_ranked.page_path,
        coalesce(pages.page_referrer, tracks.page_referrer) as page_referrer,
        lead_events_ranked.page_title,
        lead_events_ranked.page_url,
        coalesce(pages.page_search, tracks.page_search) as page_search,
        lead_events_ranked.utm_campaign as campaign
    from lead_events_ranked
    left join pages
        on lead_events_ranked.message_id = pages.message_id
    left join tracks
        on lead_events_ranked.message_id = tracks.message_id
    where lead_events_ranked.event_rank <= {{ var('gtm__sales_timeline_event_count') }}

)

select * from timeline
