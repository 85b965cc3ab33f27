{#- One row per marketing touchpoint of a person: a web session (with its channel, campaign, entry point
    and click ids), an email link click, or a CRM campaign response of a campaign type that is a touch of
    its own (seed crm_campaign_channels.is_offline_touch: webinars, conferences). Responses to campaigns
    whose response IS a tracked click (paid, email, partner) are not counted twice. Touches without a
    person (an anonymous device the identity graph never linked still has its own person_id) are kept. -#}
with

sessions as (

    select
        session_id,
        person_id,
        account_id,
        started_at,
        channel,
        entry_point,
        landing_page_path,
        utm_source,
        utm_medium,
        utm_campaign,
        gclid,
        fbclid,
        li_fat_id,
        msclkid
    from {{ ref('fct_sessions') }}

),

events as (

    select
        message_id,
        person_id,
        account_id
    from {{ ref('fct_events') }}
    where event_name = 'email_link_clicked'

),

email_clicks as (

    select
        message_id,
        campaign_name,
        event_at
    from {{ ref('stg_segment__email_link_clicked') }}

),

campaign_members as (

    select
        campaign_member_id,
        campaign_id,
        lead_id,
        contact_id,
        created_at
    from {{ ref('stg_crm__campaign_members') }}
    -- an erased person's campaign responses leave here (right to erasure: int_erased_identifiers)
    where
        has_responded
        and not is_deleted
        and {{ gtm_warehouse.not_erased(
            [['crm_lead_id', 'lead_id'], ['crm_contact_id', 'contact_id']], ref('int_erased_identifiers')
        ) }}

),

campaigns as (

    select
        campaign_id,
        campaign_key,
        channel,
        entry_point
    from {{ ref('int_campaigns_keyed') }}
    where is_offline_touch

),

campaign_keys as (

    select
        campaign_key,
        campaign_id
    from {{ ref('int_campaigns_keyed') }}
    where is_key_owner

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

session_touches as (

    select
        {{ dbt.concat(["'session|'", 'session_id']) }} as touchpoint_id,
        'session' as touchpoint_type,
        session_id as source_record_id,
        person_id,
        account_id,
        started_at as touched_at,
        channel,
        utm_campaign as campaign_key,
        entry_point,
        landing_page_path,
        utm_source,
        utm_medium,
        gclid,
        fbclid,
        li_fat_id,
        msclkid,
        session_id
    from sessions

),

email_click_touches as (

    select
        {{ dbt.concat(["'email_click|'", 'email_clicks.message_id']) }} as touchpoint_id,
        'email_click' as touchpoint_type,
        email_clicks.message_id as source_record_id,
        events.person_id,
        events.account_id,
        email_clicks.event_at as touched_at,
        '{{ var("gtm__email_click_channel") }}' as channel,
        lower(trim(email_clicks.campaign_name)) as campaign_key,
        cast(null as {{ dbt.type_string() }}) as entry_point,
        cast(null as {{ dbt.type_string() }}) as landing_page_path,
        cast(null as {{ dbt.type_string() }}) as utm_source,
        cast(null as {{ dbt.type_string() }}) as utm_medium,
        cast(null as {{ dbt.type_string() }}) as gclid,
        cast(null as {{ dbt.type_string() }}) as fbclid,
        cast(null as {{ dbt.type_string() }}) as li_fat_id,
        cast(null as {{ dbt.type_string() }}) as msclkid,
        cast(null as {{ dbt.type_string() }}) as session_id
    from email_clicks
    inner join events on email_clicks.message_id = events.message_id

),

campaign_response_people as (

    -- the member's contact, else its lead; an id the graph never linked is a person of its own
    select
        campaign_members.campaign_member_id,
        campaign_members.campaign_id,
        campaign_members.created_at,
        coalesce(
            contact_identity.person_id,
            lead_identity.person_id,
            case
                when campaign_members.contact_id is not null
                    then {{ gtm_warehouse.person_id_from_label(
                            gtm_warehouse.identity_label("'crm_contact_id'", 'campaign_members.contact_id')) }}
                else {{ gtm_warehouse.person_id_from_label(
                        gtm_warehouse.identity_label("'crm_lead_id'", 'campaign_members.lead_id')) }}
            end
        ) as person_id
    from campaign_members
    left join identities as contact_identity
        on
            contact_identity.identifier_type = 'crm_contact_id'
            and campaign_members.contact_id = contact_identity.identifier_value
    left join identities as lead_identity
        on
            lead_identity.identifier_type = 'crm_lead_id'
            and campaign_members.lead_id = lead_identity.identifier_value

),

campaign_response_touches as (

    select
        {{ dbt.concat(["'crm_campaign_response|'", 'campaign_response_people.campaign_member_id']) }} as touchpoint_id,
        'crm_campaign_response' as touchpoint_type,
        campaign_response_people.campaign_member_id as source_record_id,
        campaign_response_people.person_id,
        people_accounts.account_id,
        campaign_response_people.created_at as touched_at,
        campaigns.channel,
        campaigns.campaign_key,
        campaigns.entry_point,
        cast(null as {{ dbt.type_string() }}) as landing_page_path,
        cast(null as {{ dbt.type_string() }}) as utm_source,
        cast(null as {{ dbt.type_string() }}) as utm_medium,
        cast(null as {{ dbt.type_string() }}) as gclid,
        cast(null as {{ dbt.type_string() }}) as fbclid,
        cast(null as {{ dbt.type_string() }}) as li_fat_id,
        cast(null as {{ dbt.type_string() }}) as msclkid,
        cast(null as {{ dbt.type_string() }}) as session_id
    from campaign_response_people
    inner join campaigns on campaign_response_people.campaign_id = campaigns.campaign_id
    left join people_accounts on campaign_response_people.person_id = people_accounts.person_id

),

unioned as (

    select * from session_touches
    union all
    select * from email_click_touches
    union all
    select * from campaign_response_touches

),

final as (

    select
        unioned.touchpoint_id,
        unioned.touchpoint_type,
        unioned.source_record_id,
        unioned.person_id,
        unioned.account_id,
        unioned.touched_at,
        unioned.campaign_key,
        campaign_keys.campaign_id as crm_campaign_id,
        unioned.entry_point,
        unioned.landing_page_path,
        unioned.utm_source,
        unioned.utm_medium,
        unioned.gclid,
        unioned.fbclid,
        unioned.li_fat_id,
        unioned.msclkid,
        unioned.session_id,
        coalesce(unioned.channel, 'Other') as channel,
        coalesce(unioned.channel, 'Other') in (
            {{ gtm_warehouse.sql_literal_list(var('gtm__attribution_direct_channels')) }}
        ) as is_direct
    from unioned
    left join campaign_keys on unioned.campaign_key = campaign_keys.campaign_key

)

select * from final
