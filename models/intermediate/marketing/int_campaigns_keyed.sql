{#- One row per CRM campaign with its campaign key: the UTM campaign it is tracked with (custom field
    utm_campaign_c, lower-cased and trimmed like staged UTMs), else its lower-cased name. The key joins
    CRM campaigns to web sessions (utm_campaign) and to ad spend (the ad platform's campaign name, which
    is the UTM campaign). Channel comes from seed crm_campaign_channels (by campaign type). -#}
with

campaigns as (

    select
        campaign_id,
        campaign_name,
        campaign_type,
        entry_point,
        utm_campaign,
        is_deleted
    from {{ ref('stg_crm__campaigns') }}

),

campaign_channels as (

    select
        campaign_type,
        channel,
        is_offline_touch
    from {{ ref('crm_campaign_channels') }}

),

keyed as (

    select
        campaigns.campaign_id,
        campaigns.campaign_name,
        campaigns.campaign_type,
        campaigns.entry_point,
        campaigns.utm_campaign,
        campaigns.is_deleted,
        campaign_channels.channel,
        coalesce(campaign_channels.is_offline_touch, false) as is_offline_touch,
        lower(trim(coalesce(campaigns.utm_campaign, campaigns.campaign_name))) as campaign_key,
        campaigns.utm_campaign is not null as is_keyed_by_utm
    from campaigns
    left join campaign_channels on campaigns.campaign_type = campaign_channels.campaign_type

),

ranked as (

    -- two campaigns claiming one key: the one keyed by its UTM field wins, then the smallest id
    select
        keyed.*,
        row_number() over (
            partition by keyed.campaign_key
            order by keyed.is_deleted asc, keyed.is_keyed_by_utm desc, keyed.campaign_id asc
        ) as key_rank
    from keyed

),

final as (

    select
        campaign_id,
        campaign_name,
        campaign_type,
        entry_point,
        utm_campaign,
        campaign_key,
        channel,
        is_offline_touch,
        is_deleted,
        key_rank = 1 as is_key_owner
    from ranked

)

select * from final
