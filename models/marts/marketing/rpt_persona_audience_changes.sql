{#- Changes of the persona audiences since the previous daily build: one row per audience and person whose
    membership at the end of the as-of day differs from the end of the day before (int_sales_dates_resolved),
    change_type entered or exited. Computed from the membership history alone (shared audience pattern,
    macro audience_membership_changes), never from earlier builds or files on disk, so a rebuild gives the
    same rows, an incremental build equals a full one and an erased person leaves no row. -#}

with

history as (

    select
        audience_key,
        person_id,
        entered_at,
        exited_at
    from {{ ref('fct_persona_audience_memberships') }}

),

dates as (

    select as_of_date from {{ ref('int_sales_dates_resolved') }}

),

-- the history holds timestamps: the end of the as-of day and the end of the day before
cutoffs as (

    select
        {{ gtm_warehouse.timestamp_add_days('cast(as_of_date as ' ~ dbt.type_timestamp() ~ ')', 1) }} as as_of_at,
        cast(as_of_date as {{ dbt.type_timestamp() }}) as previous_as_of_at
    from dates

),

changes as (

    {{ gtm_warehouse.audience_membership_changes(
        'history', '(select cutoffs.as_of_at from cutoffs)', '(select cutoffs.previous_as_of_at from cutoffs)'
    ) }}

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
