{#- Grain: one row per high-intent audience (seed sales_audiences), person and membership interval:
    entered_at (first day as a member) and exited_at (first day no longer a member; NULL while a member
    on the as-of day). Built with the shared macro audience_membership_history from the behaviour
    signals of known people (int_person_signals_aggregated). -#}
with

signals as (

    select
        person_id,
        signal_key,
        signal_date
    from {{ ref('int_person_signals_aggregated') }}

),

definitions as (

    select
        audience_key,
        match_type,
        signal_key,
        window_days
    from {{ ref('sales_audiences') }}

),

dates as (

    select as_of_date from {{ ref('int_sales_dates_resolved') }}

),

history as (

    {{ gtm_warehouse.audience_membership_history(
        'signals', 'definitions', '(select dates.as_of_date from dates)'
    ) }}

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            'audience_key', "'|'", 'person_id', "'|'", 'cast(entered_at as ' ~ dbt.type_string() ~ ')'
        ])) }} as audience_membership_id,
        audience_key,
        person_id,
        entered_at,
        exited_at
    from history

)

select * from final
