{#- Customer-success helpers (issue 12): the reference time, the audience pattern (membership history ->
    current members, changes) and percentages. Engine-specific ones: macros/cross_db/customer_success.sql. -#}

{#- Body of a one-row CTE `as_of_at`: the reference time ("now") of the customer-success marts.
    var gtm__cs_as_of when set, else the latest Segment `received_at` in staging (tracks and pages), so
    a build is reproducible from its data and the same on every engine. -#}
{% macro cs_reference_time() -%}
    {%- if var('gtm__cs_as_of', none) -%}
    select cast('{{ var("gtm__cs_as_of") }}' as {{ dbt.type_timestamp() }}) as as_of_at
    {%- else -%}
    select max(received_at) as as_of_at
    from (
        select received_at from {{ ref('stg_segment__tracks') }}
        union all
        select received_at from {{ ref('stg_segment__pages') }}
    ) as segment_calls
    {%- endif -%}
{%- endmacro %}


{#- Audience pattern, shared by every audience (columns as in the sales audiences: audience_key,
    person_id, entered_at, exited_at). `history` is a relation with one row per membership spell.
    audience_current: the people in each audience now (spells not exited). -#}
{% macro audience_current(history) -%}
with

history as (

    select
        membership_id,
        audience_key,
        person_id,
        entered_at,
        exited_at
    from {{ history }}

),

current_members as (

    select
        membership_id,
        audience_key,
        person_id,
        entered_at
    from history
    where exited_at is null

)

select * from current_members
{%- endmacro %}


{#- audience_changes: one row per entry into or exit from an audience, for syncing destinations that
    take adds and removes. -#}
{% macro audience_changes(history) -%}
with

history as (

    select
        membership_id,
        audience_key,
        person_id,
        entered_at,
        exited_at
    from {{ history }}

),

entries as (

    select
        membership_id,
        audience_key,
        person_id,
        'entered' as change_type,
        entered_at as changed_at
    from history

),

exits as (

    select
        membership_id,
        audience_key,
        person_id,
        'exited' as change_type,
        exited_at as changed_at
    from history
    where exited_at is not null

),

changes as (

    select * from entries
    union all
    select * from exits

),

final as (

    select
        {{ dbt.concat(['membership_id', "'|'", 'change_type']) }} as change_id,
        membership_id,
        audience_key,
        person_id,
        change_type,
        changed_at
    from changes

)

select * from final
{%- endmacro %}


{#- A percentage rounded to 0.1 as a double on every engine (DuckDB and Spark type decimal arithmetic
    differently); NULL when the denominator is 0 or NULL. -#}
{% macro percentage(numerator, denominator) -%}
    case
        when {{ denominator }} > 0
            then round(100 * cast({{ numerator }} as double) / {{ denominator }}, 1)
    end
{%- endmacro %}
