with

base as (

    select * from {{ ref('base_support__users') }}

),

staged as (

    select
        support_user_id,
        organization_id,
        product_user_id,
        email,
        email_domain,
        full_name,
        user_role,
        is_email_invalid,
        created_at,
        updated_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
