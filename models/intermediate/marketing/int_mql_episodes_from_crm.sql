{#- Stand-in for the sales marts' fct_mql_episodes (same columns) until they are merged: one MQL episode
    per CRM lead whose status is in var gtm__mql_crm_statuses. The CRM keeps no status history, so the
    MQL time is the lead's last modification (its conversion date when earlier), never before the lead
    was created. After the merge, fct_conversions reads ref('fct_mql_episodes') instead of this model. -#}
with

leads as (

    select
        lead_id,
        lead_status,
        created_at,
        modified_at,
        converted_date
    from {{ ref('stg_crm__leads') }}
    where not is_deleted

),

identities as (

    select
        identifier_type,
        identifier_value,
        person_id
    from {{ ref('int_identities_stitched') }}

),

people_accounts as (

    select
        person_id,
        account_id
    from {{ ref('int_people_accounts_resolved') }}

),

qualified as (

    select
        lead_id,
        greatest(
            created_at,
            least(
                coalesce(modified_at, created_at),
                coalesce(cast(converted_date as {{ dbt.type_timestamp() }}), modified_at, created_at)
            )
        ) as mql_at
    from leads
    where lead_status in ({{ gtm_warehouse.sql_literal_list(var('gtm__mql_crm_statuses')) }})

),

final as (

    select
        {{ dbt.concat(["qualified.lead_id", "'|1'"]) }} as mql_episode_id,
        qualified.lead_id,
        coalesce(
            lead_identity.person_id,
            {{ gtm_warehouse.person_id_from_label(gtm_warehouse.identity_label("'crm_lead_id'", 'qualified.lead_id')) }}
        ) as person_id,
        people_accounts.account_id,
        qualified.mql_at,
        cast(null as double) as score_at_mql,
        cast(null as {{ dbt.type_string() }}) as top_reasons,
        1 as episode_number
    from qualified
    left join identities as lead_identity
        on lead_identity.identifier_type = 'crm_lead_id' and qualified.lead_id = lead_identity.identifier_value
    left join people_accounts
        on
            people_accounts.person_id = coalesce(
                lead_identity.person_id,
                {{ gtm_warehouse.person_id_from_label(
                    gtm_warehouse.identity_label("'crm_lead_id'", 'qualified.lead_id')) }}
            )

)

select * from final
