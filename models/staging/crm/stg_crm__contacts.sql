with

base as (

    select * from {{ ref('base_crm__contacts') }}

),

staged as (

    select
        contact_id,
        account_id,
        email,
        email_domain,
        phone,
        first_name,
        last_name,
        job_title,
        lead_source,
        is_email_invalid,
        is_phone_invalid,
        is_deleted,
        created_at,
        modified_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
