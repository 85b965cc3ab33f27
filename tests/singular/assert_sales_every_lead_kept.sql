-- Nothing silently lost: every lead that is not soft-deleted has one row in dim_lead_signal_scores (leads
-- with no events, unresolved leads and duplicate leads included), except the leads of people erased by a
-- deletion request (int_erased_identifiers), which must have none.
with

live_leads as (

    select
        lead_id,
        email,
        converted_contact_id
    from {{ ref('stg_crm__leads') }}
    where not is_deleted

),

kept_leads as (

    select lead_id
    from live_leads
    where {{ gtm_warehouse.not_erased(
        [['crm_lead_id', 'lead_id'], ['email', 'email'], ['crm_contact_id', 'converted_contact_id']],
        ref('int_erased_identifiers')
    ) }}

),

scores as (

    select lead_id from {{ ref('dim_lead_signal_scores') }}

),

kept_but_missing as (

    select
        kept_leads.lead_id,
        'kept lead missing' as problem
    from kept_leads
    left join scores on kept_leads.lead_id = scores.lead_id
    where scores.lead_id is null

),

erased_but_present as (

    select
        live_leads.lead_id,
        'erased lead present' as problem
    from live_leads
    inner join scores on live_leads.lead_id = scores.lead_id
    left join kept_leads on live_leads.lead_id = kept_leads.lead_id
    where kept_leads.lead_id is null

)

select * from kept_but_missing
union all
select * from erased_but_present
