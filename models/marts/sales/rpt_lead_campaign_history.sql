{#- Grain: one row per CRM lead and campaign membership: the Salesforce "Campaign History" list (campaign
    name, entry point, MQL flag, created date). Memberships of the lead and, once it was converted
    (merged into a contact), of that contact. The MQL flag marks the membership that was the lead's
    latest one when an MQL episode started (fct_mql_episodes): the campaign that produced the MQL. -#}
with

leads as (

    select
        lead_id,
        converted_contact_id
    from {{ ref('int_leads_resolved') }}

),

members as (

    select
        campaign_member_id,
        campaign_id,
        lead_id,
        contact_id,
        member_status,
        has_responded,
        first_responded_date,
        created_at
    from {{ ref('stg_crm__campaign_members') }}
    where not is_deleted

),

campaigns as (

    select
        campaign_id,
        campaign_name,
        campaign_type,
        entry_point
    from {{ ref('stg_crm__campaigns') }}

),

episodes as (

    select
        lead_id,
        mql_at
    from {{ ref('fct_mql_episodes') }}

),

-- A lead's own memberships, by lead id (equi-joins only: an `or` in the join condition would compare
-- every lead with every membership).
own_members as (

    select
        leads.lead_id,
        members.campaign_member_id,
        members.campaign_id,
        members.member_status,
        members.has_responded,
        members.first_responded_date,
        members.created_at,
        'lead' as member_type
    from leads
    inner join members on leads.lead_id = members.lead_id

),

-- Its converted contact's memberships, unless the membership is the lead's own (already above).
contact_members as (

    select
        leads.lead_id,
        members.campaign_member_id,
        members.campaign_id,
        members.member_status,
        members.has_responded,
        members.first_responded_date,
        members.created_at,
        'contact' as member_type
    from leads
    inner join members on leads.converted_contact_id = members.contact_id
    where members.lead_id is null or members.lead_id != leads.lead_id

),

lead_members as (

    select * from own_members
    union all
    select * from contact_members

),

lead_members_ordered as (

    select
        lead_id,
        campaign_member_id,
        campaign_id,
        member_status,
        has_responded,
        first_responded_date,
        created_at,
        member_type,
        lead(created_at) over (partition by lead_id order by created_at, campaign_member_id) as next_created_at
    from lead_members

),

mql_flags as (

    select
        lead_members_ordered.lead_id,
        lead_members_ordered.campaign_member_id,
        count(episodes.mql_at) > 0 as is_mql
    from lead_members_ordered
    left join episodes
        on
            lead_members_ordered.lead_id = episodes.lead_id
            and lead_members_ordered.created_at <= episodes.mql_at
            and (lead_members_ordered.next_created_at is null or lead_members_ordered.next_created_at > episodes.mql_at)
    group by lead_members_ordered.lead_id, lead_members_ordered.campaign_member_id

),

history as (

    select
        {{ dbt.hash(dbt.concat(['lead_members_ordered.lead_id', "'|'", 'lead_members_ordered.campaign_member_id'])) }}
            as lead_campaign_history_id,
        lead_members_ordered.lead_id,
        lead_members_ordered.campaign_member_id,
        lead_members_ordered.member_type,
        lead_members_ordered.campaign_id,
        campaigns.campaign_name,
        campaigns.campaign_type,
        campaigns.entry_point,
        mql_flags.is_mql,
        lead_members_ordered.member_status,
        lead_members_ordered.has_responded,
        lead_members_ordered.first_responded_date,
        lead_members_ordered.created_at
    from lead_members_ordered
    inner join mql_flags
        on
            lead_members_ordered.lead_id = mql_flags.lead_id
            and lead_members_ordered.campaign_member_id = mql_flags.campaign_member_id
    left join campaigns
        on lead_members_ordered.campaign_id = campaigns.campaign_id

)

select * from history
