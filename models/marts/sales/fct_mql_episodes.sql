{#- Grain: one row per MQL episode of a lead. The MQL trigger, evaluated on the daily score history:

    * a lead is armed when it is created and again each time it is recycled (int_leads_resolved);
    * at creation, a lead whose score that day already reaches var gtm__sales_mql_threshold is an MQL at
      once (mql_at = created_at, trigger_type created_above_threshold);
    * otherwise the first day on or after arming on which the score crosses the threshold from below
      (previous score < threshold <= score: exactly the threshold counts) makes it an MQL
      (threshold_crossed; mql_at = the last signal event of that day, never before arming);
    * one episode per arming: no re-trigger while MQL, however the score moves. A recycled lead must
      cross again (a score still above the threshold when sales recycles it does not re-trigger at once);
    * an episode ends when the lead is recycled (end_reason recycled) or converted (converted); no
      episode starts after conversion. Duplicate leads of a person never trigger: their primary lead does.
    Every episode is kept. -#}
{%- set threshold = var('gtm__sales_mql_threshold') -%}
{%- set episode_number_text -%}
    cast(row_number() over (partition by candidates_in_segment.lead_id order by candidates_in_segment.mql_at)
        as {{ dbt.type_string() }})
{%- endset -%}
with

leads as (

    select
        lead_id,
        person_id,
        account_id,
        created_at,
        recycled_at,
        converted_at
    from {{ ref('int_leads_resolved') }}
    where is_primary_lead

),

history as (

    select
        person_id,
        score_date,
        score,
        previous_score,
        last_signal_at,
        colleague_score,
        firmographic_fit_score,
        title_fit_score
    from {{ ref('fct_person_score_history') }}

),

signal_values as (

    select
        person_id,
        signal_key,
        change_date,
        signal_points
    from {{ ref('int_person_signal_values_decayed') }}

),

signals as (

    select
        signal_key,
        signal_name
    from {{ ref('sales_signals') }}

),

components as (

    select
        component,
        component_name
    from {{ ref('sales_score_components') }}

),

arms as (

    select
        lead_id,
        person_id,
        created_at as armed_at,
        'created' as arm_type
    from leads
    union all
    select
        lead_id,
        person_id,
        recycled_at as armed_at,
        'recycled' as arm_type
    from leads
    where recycled_at is not null

),

arms_bounded as (

    select
        arms.lead_id,
        arms.person_id,
        arms.armed_at,
        arms.arm_type,
        leads.converted_at,
        lead(arms.armed_at) over (partition by arms.lead_id order by arms.armed_at) as next_armed_at
    from arms
    inner join leads
        on arms.lead_id = leads.lead_id

),

scores_at_creation as (

    select
        arms_bounded.lead_id,
        arms_bounded.armed_at,
        history.score_date,
        history.score,
        history.colleague_score,
        history.firmographic_fit_score,
        history.title_fit_score,
        row_number() over (partition by arms_bounded.lead_id order by history.score_date desc) as recency_rank
    from arms_bounded
    inner join history
        on
            arms_bounded.person_id = history.person_id
            and history.score_date <= cast(arms_bounded.armed_at as date)
    where arms_bounded.arm_type = 'created'

),

candidates as (

    select
        lead_id,
        armed_at,
        armed_at as mql_at,
        score_date,
        score,
        colleague_score,
        firmographic_fit_score,
        title_fit_score,
        'created_above_threshold' as trigger_type,
        1 as trigger_priority
    from scores_at_creation
    where recency_rank = 1 and score >= {{ threshold }}
    union all
    select
        arms_bounded.lead_id,
        arms_bounded.armed_at,
        greatest(
            arms_bounded.armed_at, coalesce(history.last_signal_at, cast(history.score_date as timestamp))
        ) as mql_at,
        history.score_date,
        history.score,
        history.colleague_score,
        history.firmographic_fit_score,
        history.title_fit_score,
        'threshold_crossed' as trigger_type,
        2 as trigger_priority
    from arms_bounded
    inner join history
        on
            arms_bounded.person_id = history.person_id
            and history.score_date >= cast(arms_bounded.armed_at as date)
    where history.score >= {{ threshold }} and coalesce(history.previous_score, 0) < {{ threshold }}

),

candidates_in_segment as (

    select
        candidates.lead_id,
        candidates.armed_at,
        candidates.mql_at,
        candidates.score_date,
        candidates.score,
        candidates.colleague_score,
        candidates.firmographic_fit_score,
        candidates.title_fit_score,
        candidates.trigger_type,
        arms_bounded.next_armed_at,
        arms_bounded.converted_at,
        row_number() over (
            partition by candidates.lead_id, candidates.armed_at
            order by candidates.mql_at, candidates.trigger_priority
        ) as candidate_rank
    from candidates
    inner join arms_bounded
        on candidates.lead_id = arms_bounded.lead_id and candidates.armed_at = arms_bounded.armed_at
    where
        (arms_bounded.next_armed_at is null or candidates.mql_at < arms_bounded.next_armed_at)
        and (arms_bounded.converted_at is null or candidates.mql_at < arms_bounded.converted_at)

),

episodes as (

    select
        {{ dbt.hash(dbt.concat(['candidates_in_segment.lead_id', "'|'", episode_number_text])) }} as mql_episode_id,
        candidates_in_segment.lead_id,
        leads.person_id,
        leads.account_id,
        row_number() over (
            partition by candidates_in_segment.lead_id order by candidates_in_segment.mql_at
        ) as episode_number,
        candidates_in_segment.mql_at,
        candidates_in_segment.score_date as score_date_at_mql,
        candidates_in_segment.score as score_at_mql,
        candidates_in_segment.colleague_score,
        candidates_in_segment.firmographic_fit_score,
        candidates_in_segment.title_fit_score,
        candidates_in_segment.trigger_type,
        case
            when
                candidates_in_segment.next_armed_at is not null
                and (
                    candidates_in_segment.converted_at is null
                    or candidates_in_segment.next_armed_at < candidates_in_segment.converted_at
                )
                then candidates_in_segment.next_armed_at
            else candidates_in_segment.converted_at
        end as ended_at,
        case
            when
                candidates_in_segment.next_armed_at is not null
                and (
                    candidates_in_segment.converted_at is null
                    or candidates_in_segment.next_armed_at < candidates_in_segment.converted_at
                )
                then 'recycled'
            when candidates_in_segment.converted_at is not null then 'converted'
        end as end_reason
    from candidates_in_segment
    inner join leads
        on candidates_in_segment.lead_id = leads.lead_id
    where candidates_in_segment.candidate_rank = 1

),

signal_values_at_mql as (

    select
        episodes.mql_episode_id,
        signal_values.signal_key,
        signal_values.signal_points,
        row_number() over (
            partition by episodes.mql_episode_id, signal_values.signal_key
            order by signal_values.change_date desc
        ) as recency_rank
    from episodes
    inner join signal_values
        on
            episodes.person_id = signal_values.person_id
            and episodes.score_date_at_mql >= signal_values.change_date

),

reasons as (

    select
        signal_values_at_mql.mql_episode_id as entity_id,
        signals.signal_name as reason_label,
        signal_values_at_mql.signal_points as reason_points
    from signal_values_at_mql
    inner join signals
        on signal_values_at_mql.signal_key = signals.signal_key
    where signal_values_at_mql.recency_rank = 1 and signal_values_at_mql.signal_points > 0
    union all
    select
        episodes.mql_episode_id as entity_id,
        components.component_name as reason_label,
        case components.component
            when 'colleagues' then episodes.colleague_score
            when 'firmographic_fit' then episodes.firmographic_fit_score
            when 'title_fit' then episodes.title_fit_score
        end as reason_points
    from episodes
    inner join components
        on components.component in ('colleagues', 'firmographic_fit', 'title_fit')
    where
        case components.component
            when 'colleagues' then episodes.colleague_score
            when 'firmographic_fit' then episodes.firmographic_fit_score
            when 'title_fit' then episodes.title_fit_score
        end > 0

),

top_reasons as (

    {{ gtm_warehouse.score_top_reasons('reasons') }}

),

final as (

    select
        episodes.mql_episode_id,
        episodes.lead_id,
        episodes.person_id,
        episodes.account_id,
        episodes.episode_number,
        episodes.mql_at,
        episodes.score_date_at_mql,
        episodes.score_at_mql,
        episodes.trigger_type,
        episodes.ended_at,
        episodes.end_reason,
        coalesce(top_reasons.top_reasons, '') as top_reasons,
        episodes.ended_at is null as is_current
    from episodes
    left join top_reasons
        on episodes.mql_episode_id = top_reasons.entity_id

)

select * from final
