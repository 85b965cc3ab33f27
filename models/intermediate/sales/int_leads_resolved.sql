{#- One row per CRM lead that is not soft-deleted, with its person and account, and the lead events the
    MQL trigger needs: when it was created, recycled (status back to one of var gtm__sales_recycle_statuses
    after creation: the CRM keeps only the current status, so its last modification is when that
    happened) and converted (merged into a contact).

    Defined outcomes for bad input:
    * a lead the identity graph does not know (no usable email) is a person of its own: the same label
      hash the graph would give it, so it has a person_id, no events and a fit-only score;
    * several leads of one person (two leads with one email): the earliest created is the primary lead
      (ties: lead id); the others point to it (primary_lead_id) and never trigger an MQL of their own,
      so one person is one MQL;
    * a converted lead (merged into a contact) keeps its history; it is no longer open and cannot MQL
      after converted_at. -#}
with

leads as (

    select
        lead_id,
        email,
        first_name,
        last_name,
        company_name,
        job_title,
        industry,
        number_of_employees,
        lead_source,
        lead_status,
        is_converted,
        converted_date,
        converted_account_id,
        converted_contact_id,
        converted_opportunity_id,
        created_at,
        modified_at
    from {{ ref('stg_crm__leads') }}
    -- erased people's leads leave here (right to erasure: int_erased_identifiers)
    where
        not is_deleted
        and {{ gtm_warehouse.not_erased(
            [['crm_lead_id', 'lead_id'], ['email', 'email'], ['crm_contact_id', 'converted_contact_id']], ref('int_erased_identifiers')
        ) }}

),

identities as (

    select
        identifier_value as lead_id,
        person_id
    from {{ ref('int_identities_stitched') }}
    where identifier_type = 'crm_lead_id'

),

people as (

    select
        person_id,
        account_id
    from {{ ref('dim_people') }}

),

-- every live CRM account on its resolved account (duplicates merged by evidence and accounts without
-- the workspace id field included), not only each account's primary CRM account
crm_accounts as (

    select
        crm_account_id,
        account_id
    from {{ ref('int_crm_accounts_resolved') }}

),

leads_with_people as (

    select
        leads.lead_id,
        coalesce(
            identities.person_id,
            {{ gtm_warehouse.person_id_from_label(gtm_warehouse.identity_label("'crm_lead_id'", 'leads.lead_id')) }}
        ) as person_id,
        identities.person_id is null as is_unresolved_person,
        leads.email,
        leads.first_name,
        leads.last_name,
        leads.company_name,
        leads.job_title,
        leads.industry,
        leads.number_of_employees,
        leads.lead_source,
        leads.lead_status,
        leads.is_converted,
        leads.converted_date,
        leads.converted_account_id,
        leads.converted_contact_id,
        leads.converted_opportunity_id,
        leads.created_at,
        leads.modified_at
    from leads
    left join identities
        on leads.lead_id = identities.lead_id

),

leads_ranked as (

    select
        leads_with_people.*,
        coalesce(people.account_id, converted_accounts.account_id) as account_id,
        first_value(leads_with_people.lead_id) over (
            partition by leads_with_people.person_id
            order by leads_with_people.created_at, leads_with_people.lead_id
            rows between unbounded preceding and unbounded following
        ) as primary_lead_id
    from leads_with_people
    left join people
        on leads_with_people.person_id = people.person_id
    left join crm_accounts as converted_accounts
        on leads_with_people.converted_account_id = converted_accounts.crm_account_id

),

resolved as (

    select
        lead_id,
        person_id,
        account_id,
        primary_lead_id,
        lead_id = primary_lead_id as is_primary_lead,
        is_unresolved_person,
        email,
        first_name,
        last_name,
        company_name,
        job_title,
        industry,
        number_of_employees,
        lead_source,
        lead_status,
        is_converted,
        converted_account_id,
        converted_contact_id,
        converted_opportunity_id,
        created_at,
        modified_at,
        case
            when
                not is_converted
                and lead_status in ({{ "'" ~ var('gtm__sales_recycle_statuses') | join("', '") ~ "'" }})
                and modified_at > created_at
                then modified_at
        end as recycled_at,
        case
            when is_converted then coalesce(cast(converted_date as timestamp), modified_at)
        end as converted_at,
        not is_converted
        and coalesce(lead_status in ({{ "'" ~ var('gtm__sales_open_lead_statuses') | join("', '") ~ "'" }}), false)
            as is_open
    from leads_ranked

)

select * from resolved
