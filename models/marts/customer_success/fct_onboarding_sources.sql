{#- One row per data source of a workspace (removed sources excluded): when it was added, whether in the
    workspace's onboarding window, its activity status at the reference time and, for an inactive source,
    the setup doc of its type (seed onboarding_next_step_rules, state source_inactive). -#}
{{ config(enabled=var('using_product_db')) }}

with

sources as (

    select
        source_id,
        account_id,
        workspace_id,
        source_type,
        source_name,
        created_at,
        first_event_at,
        last_event_at,
        is_added_during_onboarding,
        activity_status,
        is_active
    from {{ ref('int_onboarding_sources_classified') }}

),

rules as (

    select
        priority,
        source_type,
        doc_url
    from {{ ref('onboarding_next_step_rules') }}
    where onboarding_state = 'source_inactive'

),

setup_docs as (

    select
        sources.source_id,
        rules.doc_url,
        row_number() over (partition by sources.source_id order by rules.priority) as rule_rank
    from sources
    inner join rules
        on coalesce(rules.source_type, '') = '' or sources.source_type = rules.source_type

),

final as (

    select
        sources.source_id,
        sources.account_id,
        sources.workspace_id,
        sources.source_type,
        sources.source_name,
        sources.created_at,
        sources.first_event_at,
        sources.last_event_at,
        sources.is_added_during_onboarding,
        sources.activity_status,
        sources.is_active,
        case when not sources.is_active then setup_docs.doc_url end as setup_doc_url
    from sources
    left join setup_docs on sources.source_id = setup_docs.source_id and setup_docs.rule_rank = 1

)

select * from final
