with

base as (

    select * from {{ ref('base_surveys__responses') }}

),

staged as (

    select
        response_id,
        survey_id,
        user_id,
        workspace_id,
        survey_name,
        survey_type,
        email,
        email_domain,
        comment,
        score,
        is_email_invalid,
        submitted_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
