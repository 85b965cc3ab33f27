{#- One row per account (with a workspace) and day, from its signup day to the newest day of product
    usage data: each health component's value at the end of that day, its score (health_components seed)
    and the health score 0-100 with its band (health_bands seed). Dense grid: the marts keep the days
    with a change (fct_account_health_history) and the newest day (dim_account_health_current). -#}
{{ config(enabled=var('using_product_db')) }}
{%- set components = ['sources_set_up', 'tracking_implemented', 'acting_on_data', 'bi_investment',
                      'acting_on_intent', 'support_load', 'nps'] -%}
{%- set lookback = var('gtm__health_lookback_days') -%}
{%- set call_types = ['track', 'page', 'identify', 'group'] -%}
{%- set bi_categories = "'" ~ var('gtm__health_bi_destination_categories') | join("', '") ~ "'" -%}

with

accounts as (

    select
        account_id,
        workspace_id,
        signed_up_at
    from {{ ref('dim_accounts') }}
    where workspace_id is not null and signed_up_at is not null

),

workspaces as (

    select
        workspace_id,
        owner_user_id
    from {{ ref('stg_product__workspaces') }}

),

people as (

    select
        user_id,
        persona
    from {{ ref('dim_people') }}
    where user_id is not null

),

-- a source counts once it is set up AND its first data arrived (first_event_at is set once and never
-- rewritten, so it is known as of every past day, unlike last_event_at); one deleted before its first data
-- never counts
sources as (

    select
        workspace_id,
        deleted_at,
        greatest(created_at, first_event_at) as active_at
    from {{ ref('stg_product__sources') }}
    where
        first_event_at is not null
        and (deleted_at is null or greatest(created_at, first_event_at) < deleted_at)

),

destinations as (

    select
        workspace_id,
        destination_category,
        created_at,
        deleted_at
    from {{ ref('stg_product__destinations') }}
    where is_enabled

),

api_usage as (

    select
        workspace_id,
        usage_date,
        track_calls,
        page_calls,
        identify_calls,
        group_calls
    from {{ ref('stg_product__api_usage_daily') }}

),

{% if var('using_support') %}
    tickets as (

        select
            account_id,
            created_at
        from {{ ref('int_support_tickets_tiered') }}
        where account_id is not null

    ),
{% else %}
-- without the support desk there are no tickets: support load is 0 for everyone
tickets as (

    select
        cast(null as {{ dbt.type_string() }}) as account_id,
        cast(null as {{ dbt.type_timestamp() }}) as created_at
    where false

),
{% endif %}

{% if var('using_surveys') %}
    nps_responses as (

        select
            workspace_id,
            score,
            submitted_at
        from {{ ref('stg_surveys__responses') }}
        -- out-of-range scores are not NPS answers (the NPS marts report them); erased respondents' answers
        -- leave here (right to erasure: int_erased_identifiers)
        where
            survey_type = 'nps'
            and score between 0 and 10
            and {{ gtm_warehouse.not_erased(
                [['user_id', 'user_id'], ['email', 'email']], ref('int_erased_identifiers')
            ) }}

    ),
{% else %}
-- without the survey tool there are no NPS answers: the nps component is missing (score_if_missing)
nps_responses as (

    select
        cast(null as {{ dbt.type_string() }}) as workspace_id,
        cast(null as {{ dbt.type_bigint() }}) as score,
        cast(null as {{ dbt.type_timestamp() }}) as submitted_at
    where false

),
{% endif %}

intent_categories as (

    select
        persona,
        destination_category
    from {{ ref('health_intent_destination_categories') }}

),

health_components as (

    select
        component,
        weight,
        bad_value,
        good_value,
        score_if_missing
    from {{ ref('health_components') }}

),

health_bands as (

    select
        health_band,
        min_score
    from {{ ref('health_bands') }}

),

calendar as (

    select calendar_date
    from {{ ref('int_support_days_calendared') }}

),

-- the newest day the product usage data covers
as_of as (

    select max(usage_date) as as_of_date
    from api_usage

),

grid as (

    select
        accounts.account_id,
        accounts.workspace_id,
        calendar.calendar_date as health_date
    from accounts
    cross join as_of
    inner join calendar
        on
            calendar.calendar_date >= cast(accounts.signed_up_at as date)
            and as_of.as_of_date >= calendar.calendar_date

),

account_personas as (

    select
        accounts.account_id,
        people.persona
    from accounts
    inner join workspaces on accounts.workspace_id = workspaces.workspace_id
    inner join people on workspaces.owner_user_id = people.user_id

),

destination_events as (

    select
        workspace_id,
        destination_category,
        created_at as event_at,
        1 as sign_delta
    from destinations
    union all
    select
        workspace_id,
        destination_category,
        deleted_at as event_at,
        -1 as sign_delta
    from destinations
    where deleted_at is not null

),

-- +1 on the day a thing appears, -1 on the day it goes away; running sums give the count on each day
deltas as (

    select
        workspace_id,
        cast(active_at as date) as delta_date,
        1 as sources_delta,
        0 as destinations_delta,
        0 as bi_delta,
        0 as intent_delta
    from sources
    union all
    select
        workspace_id,
        cast(deleted_at as date) as delta_date,
        -1 as sources_delta,
        0 as destinations_delta,
        0 as bi_delta,
        0 as intent_delta
    from sources
    where deleted_at is not null
    union all
    select
        destination_events.workspace_id,
        cast(destination_events.event_at as date) as delta_date,
        0 as sources_delta,
        destination_events.sign_delta as destinations_delta,
        case
            when destination_events.destination_category in ({{ bi_categories }}) then destination_events.sign_delta
            else 0
        end as bi_delta,
        case
            when intent_categories.destination_category is not null then destination_events.sign_delta else 0
        end as intent_delta
    from destination_events
    left join accounts on destination_events.workspace_id = accounts.workspace_id
    left join account_personas on accounts.account_id = account_personas.account_id
    left join intent_categories
        on
            account_personas.persona = intent_categories.persona
            and destination_events.destination_category = intent_categories.destination_category

),

daily_deltas as (

    select
        workspace_id,
        delta_date,
        sum(sources_delta) as sources_delta,
        sum(destinations_delta) as destinations_delta,
        sum(bi_delta) as bi_delta,
        sum(intent_delta) as intent_delta
    from deltas
    group by workspace_id, delta_date

),

ticket_deltas as (

    select
        account_id,
        delta_date,
        sum(ticket_delta) as ticket_delta
    from (
        select
            account_id,
            cast(created_at as date) as delta_date,
            1 as ticket_delta
        from tickets
        union all
        select
            account_id,
            cast({{ dbt.dateadd('day', lookback, 'cast(created_at as date)') }} as date) as delta_date,
            -1 as ticket_delta
        from tickets
    ) as ticket_events
    group by account_id, delta_date

),

nps_daily as (

    select
        workspace_id,
        cast(submitted_at as date) as response_date,
        sum(score) as score_sum,
        count(*) as responses
    from nps_responses
    group by workspace_id, cast(submitted_at as date)

),

usage_daily as (

    select
        workspace_id,
        {%- for call_type in call_types %}
            max(case when {{ call_type }}_calls > 0 then usage_date end) as {{ call_type }}_date,
        {%- endfor %}
        usage_date
    from api_usage
    group by workspace_id, usage_date

),

grid_joined as (

    select
        grid.account_id,
        grid.workspace_id,
        grid.health_date,
        account_personas.persona,
        {%- for call_type in call_types %}
            max(usage_daily.{{ call_type }}_date) over account_days as last_{{ call_type }}_date,
        {%- endfor %}
        sum(coalesce(daily_deltas.sources_delta, 0)) over account_days as sources_set_up,
        sum(coalesce(daily_deltas.destinations_delta, 0)) over account_days as enabled_destinations,
        sum(coalesce(daily_deltas.bi_delta, 0)) over account_days as bi_destinations,
        sum(coalesce(daily_deltas.intent_delta, 0)) over account_days as intent_destinations,
        sum(coalesce(ticket_deltas.ticket_delta, 0)) over account_days as recent_tickets,
        sum(nps_daily.score_sum) over account_days as nps_score_sum,
        sum(nps_daily.responses) over account_days as nps_responses
    from grid
    left join account_personas on grid.account_id = account_personas.account_id
    left join daily_deltas
        on grid.workspace_id = daily_deltas.workspace_id and grid.health_date = daily_deltas.delta_date
    left join ticket_deltas
        on grid.account_id = ticket_deltas.account_id and grid.health_date = ticket_deltas.delta_date
    left join nps_daily
        on grid.workspace_id = nps_daily.workspace_id and grid.health_date = nps_daily.response_date
    left join usage_daily
        on grid.workspace_id = usage_daily.workspace_id and grid.health_date = usage_daily.usage_date
    window account_days as (
        partition by grid.account_id order by grid.health_date rows between unbounded preceding and current row
    )

),

component_values as (

    select
        account_id,
        workspace_id,
        health_date,
        cast(sources_set_up as double) as sources_set_up,
        cast(
            {%- for call_type in call_types %}
                case
                    when last_{{ call_type }}_date > {{ dbt.dateadd('day', -lookback, 'health_date') }} then 1 else 0
                end{{ " +" if not loop.last }}
            {%- endfor %}
            as double
        ) as tracking_implemented,
        cast(enabled_destinations as double) as acting_on_data,
        cast(recent_tickets as double) as support_load,
        cast(case when bi_destinations > 0 then 1 else 0 end as double) as bi_investment,
        cast(case when persona is null then null when intent_destinations > 0 then 1 else 0 end as double)
            as acting_on_intent,
        cast(nps_score_sum as double) / nps_responses as nps
    from grid_joined

),

weights as (

    select
        {%- for component in components %}
            max(case when component = '{{ component }}' then weight end) as {{ component }}_weight,
            max(case when component = '{{ component }}' then bad_value end) as {{ component }}_bad,
            max(case when component = '{{ component }}' then good_value end) as {{ component }}_good,
            max(case when component = '{{ component }}' then score_if_missing end) as {{ component }}_missing,
        {%- endfor %}
        sum(weight) as total_weight
    from health_components

),

scored as (

    select
        component_values.account_id,
        component_values.workspace_id,
        component_values.health_date,
        {%- for component in components %}
            component_values.{{ component }},
        {%- endfor %}
        {%- for component in components %}
            case
                when component_values.{{ component }} is null then weights.{{ component }}_missing
                else least(greatest(
                        (component_values.{{ component }} - weights.{{ component }}_bad)
                        / (weights.{{ component }}_good - weights.{{ component }}_bad), 0.0
                    ), 1.0)
            end as {{ component }}_score,
        {%- endfor %}
        weights.total_weight
    from component_values
    cross join weights

),

health as (

    select
        scored.*,
        100.0 * (
            {%- for component in components %}
                scored.{{ component }}_score * weights.{{ component }}_weight{{ " +" if not loop.last }}
            {%- endfor %}
        ) / scored.total_weight as health_score
    from scored
    cross join weights

),

bands as (

    select
        health_band,
        min_score,
        lead(min_score) over (order by min_score) as next_min_score
    from health_bands

),

final as (

    select
        health.account_id,
        health.workspace_id,
        health.health_date,
        {%- for component in components %}
            health.{{ component }},
        {%- endfor %}
        {%- for component in components %}
            health.{{ component }}_score,
        {%- endfor %}
        health.health_score,
        bands.health_band
    from health
    left join bands
        on
            health.health_score >= bands.min_score
            and (bands.next_min_score is null or health.health_score < bands.next_min_score)

)

select * from final
