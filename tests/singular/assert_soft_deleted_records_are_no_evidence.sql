-- Soft-deleted CRM records (is_deleted) create no identity edge, no account and no account tie.
-- Fails with every soft-deleted lead, contact or account that still appears as evidence.
{{ config(enabled=var('using_crm')) }}

with

deleted_records as (

    select
        'crm_lead_id' as identifier_type,
        lead_id as identifier_value
    from {{ ref('stg_crm__leads') }}
    where is_deleted
    union all
    select
        'crm_contact_id' as identifier_type,
        contact_id as identifier_value
    from {{ ref('stg_crm__contacts') }}
    where is_deleted

),

edge_ends as (

    select
        left_type as identifier_type,
        left_value as identifier_value
    from {{ ref('int_identity_edges_unioned') }}
    union all
    select
        right_type as identifier_type,
        right_value as identifier_value
    from {{ ref('int_identity_edges_unioned') }}

),

in_graph as (

    select distinct
        'identity_edge' as found_in,
        deleted_records.identifier_type,
        deleted_records.identifier_value
    from deleted_records
    inner join edge_ends
        on
            deleted_records.identifier_type = edge_ends.identifier_type
            and deleted_records.identifier_value = edge_ends.identifier_value

),

in_accounts as (

    select
        'crm_account' as found_in,
        'crm_account_id' as identifier_type,
        resolved.crm_account_id as identifier_value
    from {{ ref('int_crm_accounts_resolved') }} as resolved
    inner join {{ ref('stg_crm__accounts') }} as crm_accounts
        on resolved.crm_account_id = crm_accounts.account_id
    where crm_accounts.is_deleted

)

select * from in_graph
union all
select * from in_accounts
