{#- Membership history of the persona audiences: one row per audience, person and membership period
    (entered_at, exited_at; exited_at NULL while the person is in the audience). -#}

with

memberships as (

    select
        audience_key,
        person_id,
        persona,
        milestone,
        entered_at,
        exited_at
    from {{ ref('int_persona_audience_memberships_derived') }}

),

numbered as (

    select
        audience_key,
        person_id,
        persona,
        milestone,
        entered_at,
        exited_at,
        row_number() over (partition by audience_key, person_id order by entered_at) as membership_number
    from memberships

),

final as (

    select
        {{ dbt.concat([
            'audience_key', "'|'", 'person_id', "'|'", 'cast(membership_number as ' ~ dbt.type_string() ~ ')',
        ]) }} as membership_key,
        audience_key,
        person_id,
        persona,
        milestone,
        membership_number,
        entered_at,
        exited_at,
        exited_at is null as is_current
    from numbered

)

select * from final
