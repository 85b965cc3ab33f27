with

base as (

    select * from {{ ref('base_product__users') }}

),

staged as (

    select
        user_id,
        email,
        email_domain,
        full_name,
        is_staff,
        is_email_invalid,
        created_at,
        updated_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
