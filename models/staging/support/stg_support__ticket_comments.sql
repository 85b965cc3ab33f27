with

base as (

    select * from {{ ref('base_support__ticket_comments') }}

),

staged as (

    select
        ticket_comment_id,
        ticket_id,
        author_id,
        body,
        is_public,
        created_at,
        loaded_at,
        _dq_duplicates_removed as duplicates_removed
    from base
    where _dq_reason is null and _dq_copy_number = 1

)

select * from staged
