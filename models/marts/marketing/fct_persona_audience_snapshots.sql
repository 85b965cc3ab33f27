{#- The persona audiences' members as of each build (append-only): one row per build, audience and
    member, plus one build marker row per build (so a build with no members is still a build).
    rpt_persona_audience_changes compares the current members with the latest build here, and this
    model runs after it. -#}
-- depends_on: {{ ref('rpt_persona_audience_changes') }}
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail', full_refresh=false) }}

with

current_members as (

    select
        audience_key,
        person_id,
        entered_at
    from {{ ref('dim_persona_audience_members') }}

),

this_build as (

    {%- if is_incremental() %}
        select coalesce(max(build_number), 0) + 1 as build_number from {{ this }}
    {%- else %}
        select 1 as build_number
    {%- endif %}

),

members as (

    select
        this_build.build_number,
        current_members.audience_key,
        current_members.person_id,
        current_members.entered_at,
        false as is_build_marker
    from current_members
    cross join this_build

),

marker as (

    select
        build_number,
        '(build)' as audience_key,
        '(build)' as person_id,
        cast(null as {{ dbt.type_timestamp() }}) as entered_at,
        true as is_build_marker
    from this_build

),

final as (

    select
        {{ dbt.concat([
            'cast(build_number as ' ~ dbt.type_string() ~ ')', "'|'", 'audience_key', "'|'", 'person_id',
        ]) }} as snapshot_key,
        build_number,
        audience_key,
        person_id,
        entered_at,
        is_build_marker
    from (
        select * from members
        union all
        select * from marker
    ) as snapshot_rows

)

select * from final
