{#- One row per CRM opportunity with its marketing source-of-truth fields, as the CRM shows them
    (docs/SSOT_FIELDS.md): Campaign (SSoT), Entry Point (SSoT), Finance Entry Point (SSoT), Lead Source,
    Sub Source. Evidence: the opportunity's own CRM campaign and its deciding touch (the last non-direct
    touch before the opportunity was created, from fct_attribution_credits). Entry points come from seed
    ssot_entry_point_rules, lead sources from seed lead_source_rules: every pattern a rule fills must match
    (an empty pattern matches anything, a missing value is matched as ''), the lowest priority wins; no
    match gives var gtm__ssot_fallback. -#}
{%- set fallback = var('gtm__ssot_fallback') -%}

with

opportunities as (

    select
        opportunity_id,
        campaign_id
    from {{ ref('stg_crm__opportunities') }}
    where not is_deleted

),

campaigns as (

    select
        campaign_id,
        campaign_name,
        campaign_type,
        entry_point
    from {{ ref('int_campaigns_keyed') }}

),

credits as (

    select
        conversion_id,
        touchpoint_id,
        channel,
        crm_campaign_id,
        campaign_key,
        last_non_direct_credit
    from {{ ref('fct_attribution_credits') }}
    where conversion_type = 'opportunity_created'

),

touchpoints as (

    select
        touchpoint_id,
        entry_point,
        utm_source
    from {{ ref('fct_touchpoints') }}

),

entry_point_rules as (

    select
        priority,
        campaign_entry_point_pattern,
        campaign_type_pattern,
        touch_channel_pattern,
        touch_entry_point_pattern,
        entry_point,
        finance_entry_point
    from {{ ref('ssot_entry_point_rules') }}

),

lead_source_rules as (

    select
        priority,
        touch_channel_pattern,
        lead_source
    from {{ ref('lead_source_rules') }}

),

deciding_touches as (

    -- the last non-direct touch (the last touch when all are direct; `(no touch)` without any)
    select
        credits.conversion_id,
        credits.touchpoint_id,
        credits.channel,
        credits.crm_campaign_id,
        credits.campaign_key,
        touchpoints.entry_point,
        touchpoints.utm_source
    from credits
    left join touchpoints on credits.touchpoint_id = touchpoints.touchpoint_id
    where credits.last_non_direct_credit > 0.5

),

evidence as (

    select
        opportunities.opportunity_id,
        deciding_touches.touchpoint_id as deciding_touchpoint_id,
        deciding_touches.channel as deciding_channel,
        deciding_touches.utm_source as deciding_utm_source,
        case
            when opportunity_campaigns.campaign_id is not null then 'opportunity_campaign'
            when touch_campaigns.campaign_id is not null then 'deciding_touch'
            else 'none'
        end as campaign_evidence,
        coalesce(opportunity_campaigns.campaign_name, touch_campaigns.campaign_name, deciding_touches.campaign_key)
            as campaign_name,
        coalesce(opportunity_campaigns.campaign_type, touch_campaigns.campaign_type, '') as campaign_type_value,
        coalesce(opportunity_campaigns.entry_point, touch_campaigns.entry_point, '') as campaign_entry_point_value,
        coalesce(deciding_touches.channel, '(no touch)') as touch_channel_value,
        coalesce(deciding_touches.entry_point, '') as touch_entry_point_value
    from opportunities
    left join deciding_touches
        on {{ dbt.concat(["'opportunity_created|'", 'opportunities.opportunity_id']) }} = deciding_touches.conversion_id
    left join campaigns as opportunity_campaigns on opportunities.campaign_id = opportunity_campaigns.campaign_id
    left join campaigns as touch_campaigns on deciding_touches.crm_campaign_id = touch_campaigns.campaign_id

),

entry_point_matches as (

    select
        evidence.opportunity_id,
        entry_point_rules.priority,
        entry_point_rules.entry_point,
        entry_point_rules.finance_entry_point,
        row_number() over (
            partition by evidence.opportunity_id order by entry_point_rules.priority
        ) as rule_rank
    from evidence
    cross join entry_point_rules
    where
        (
            entry_point_rules.campaign_entry_point_pattern is null
            or {{ gtm_warehouse.regexp_matches_expression(
                'evidence.campaign_entry_point_value', 'entry_point_rules.campaign_entry_point_pattern') }}
        )
        and (
            entry_point_rules.campaign_type_pattern is null
            or {{ gtm_warehouse.regexp_matches_expression(
                'evidence.campaign_type_value', 'entry_point_rules.campaign_type_pattern') }}
        )
        and (
            entry_point_rules.touch_channel_pattern is null
            or {{ gtm_warehouse.regexp_matches_expression(
                'evidence.touch_channel_value', 'entry_point_rules.touch_channel_pattern') }}
        )
        and (
            entry_point_rules.touch_entry_point_pattern is null
            or {{ gtm_warehouse.regexp_matches_expression(
                'evidence.touch_entry_point_value', 'entry_point_rules.touch_entry_point_pattern') }}
        )

),

lead_source_matches as (

    select
        evidence.opportunity_id,
        lead_source_rules.priority,
        lead_source_rules.lead_source,
        row_number() over (
            partition by evidence.opportunity_id order by lead_source_rules.priority
        ) as rule_rank
    from evidence
    cross join lead_source_rules
    where
        lead_source_rules.touch_channel_pattern is null
        or {{ gtm_warehouse.regexp_matches_expression(
            'evidence.touch_channel_value', 'lead_source_rules.touch_channel_pattern') }}

),

final as (

    select
        evidence.opportunity_id,
        coalesce(evidence.campaign_name, '(none)') as campaign_ssot,
        coalesce(entry_point_matches.entry_point, '{{ fallback["entry_point"] }}') as entry_point_ssot,
        coalesce(entry_point_matches.finance_entry_point, '{{ fallback["finance_entry_point"] }}')
            as finance_entry_point_ssot,
        coalesce(lead_source_matches.lead_source, '{{ fallback["lead_source"] }}') as lead_source,
        coalesce(evidence.deciding_utm_source, lower(evidence.deciding_channel), '(none)') as sub_source,
        evidence.campaign_evidence,
        evidence.deciding_touchpoint_id,
        evidence.deciding_channel,
        entry_point_matches.priority as entry_point_rule_priority,
        lead_source_matches.priority as lead_source_rule_priority
    from evidence
    left join entry_point_matches
        on evidence.opportunity_id = entry_point_matches.opportunity_id and entry_point_matches.rule_rank = 1
    left join lead_source_matches
        on evidence.opportunity_id = lead_source_matches.opportunity_id and lead_source_matches.rule_rank = 1

)

select * from final
