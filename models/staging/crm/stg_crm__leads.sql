with

base as (

    select * from {{ ref('base_crm__leads') }}

),

staged as (

    select
        lead_id,
        converted_account_id,
        converted_contact_id,
        converted_opportunity_id,
        email,
        email_domain,
        phone,
        first_name,
        last_name,
        company_name,
        job_title,
        industry,
        lead_source,
        lead_status,
        number_of_employees,
        is_email_invalid,
        is_phone_invalid,
        is_converted,
        is_deleted,
        converted_date,
        created_at,
        modified_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
