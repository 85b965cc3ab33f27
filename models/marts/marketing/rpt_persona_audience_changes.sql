{#- Changes of the persona audiences since the previous build: one row per audience and person that
    entered or exited, comparing the current members with the latest build recorded in
    fct_persona_audience_snapshots (the history, never files on disk). On the first build every
    current member has entered. -#}

{%- set snapshots = adapter.get_relation(
    database=this.database, schema=this.schema, identifier='fct_persona_audience_snapshots'
) if execute else none %}

with

current_members as (

    select
        audience_key,
        person_id,
        entered_at
    from {{ ref('dim_persona_audience_members') }}

),

previous_members as (

    {%- if snapshots is not none %}
        select
            audience_key,
            person_id,
            entered_at,
            build_number
        from {{ snapshots }}
        where
            not is_build_marker
            and build_number = (select max(snapshot_builds.build_number) from {{ snapshots }} as snapshot_builds)
    {%- else %}
        -- first build: no previous members (an empty set with the same columns)
        select
            audience_key,
            person_id,
            entered_at,
            0 as build_number
        from current_members
        where 1 = 0
    {%- endif %}

),

entered as (

    select
        current_members.audience_key,
        current_members.person_id,
        'entered' as change_type,
        current_members.entered_at as changed_at
    from current_members
    left join previous_members
        on
            current_members.audience_key = previous_members.audience_key
            and current_members.person_id = previous_members.person_id
    where previous_members.person_id is null

),

exited as (

    select
        previous_members.audience_key,
        previous_members.person_id,
        'exited' as change_type,
        history.exited_at as changed_at
    from previous_members
    left join current_members
        on
            previous_members.audience_key = current_members.audience_key
            and previous_members.person_id = current_members.person_id
    -- when the person's period closed (NULL when the person is gone from the warehouse, e.g. erased)
    left join {{ ref('fct_persona_audience_memberships') }} as history
        on
            previous_members.audience_key = history.audience_key
            and previous_members.person_id = history.person_id
            and previous_members.entered_at = history.entered_at
    where current_members.person_id is null

),

changes as (

    select * from entered
    union all
    select * from exited

),

final as (

    select
        {{ dbt.concat(['audience_key', "'|'", 'person_id']) }} as change_key,
        audience_key,
        person_id,
        change_type,
        changed_at
    from changes

)

select * from final
