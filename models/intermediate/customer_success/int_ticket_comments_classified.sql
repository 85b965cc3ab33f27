{#- One row per ticket comment: who wrote it (agent, the requester, another end user, unknown author),
    whether it is public, and whether it counts as an agent RESPONSE for the SLA: a public comment by an
    agent or admin, not before the ticket was created. Requester replies and internal notes are not
    responses; a comment timed before its ticket (clock error) is kept, flagged and never a response.
    public_sequence orders the ticket's usable public comments (time, then comment id). -#}
{{ config(enabled=var('using_support')) }}

with

comments as (

    select
        ticket_comment_id,
        ticket_id,
        author_id,
        is_public,
        created_at
    from {{ ref('stg_support__ticket_comments') }}
    -- an erased person's comments leave here, and every comment of their tickets below
    where {{ gtm_warehouse.not_erased([['support_user_id', 'author_id']], ref('int_erased_identifiers')) }}

),

tickets as (

    select
        ticket_id,
        requester_id,
        created_at
    from {{ ref('stg_support__tickets') }}
    where {{ gtm_warehouse.not_erased([['support_user_id', 'requester_id']], ref('int_erased_identifiers')) }}

),

support_users as (

    select
        support_user_id,
        user_role
    from {{ ref('stg_support__users') }}

),

classified as (

    select
        comments.ticket_comment_id,
        comments.ticket_id,
        comments.author_id,
        comments.created_at,
        coalesce(comments.is_public, false) as is_public,
        case
            when support_users.user_role in ('agent', 'admin') then 'agent'
            when comments.author_id = tickets.requester_id then 'requester'
            when support_users.support_user_id is not null then 'end_user'
            else 'unknown'
        end as author_kind,
        comments.created_at < tickets.created_at as is_before_ticket_created
    from comments
    inner join tickets on comments.ticket_id = tickets.ticket_id
    left join support_users on comments.author_id = support_users.support_user_id

),

flagged as (

    select
        ticket_comment_id,
        ticket_id,
        author_id,
        created_at,
        is_public,
        author_kind,
        is_before_ticket_created,
        is_public and author_kind = 'agent' and not is_before_ticket_created as is_agent_response,
        is_public and author_kind in ('requester', 'end_user') and not is_before_ticket_created as is_customer_comment,
        is_public and not is_before_ticket_created as is_usable_public
    from classified

),

final as (

    select
        ticket_comment_id,
        ticket_id,
        author_id,
        created_at,
        is_public,
        author_kind,
        is_before_ticket_created,
        is_agent_response,
        is_customer_comment,
        case
            when is_usable_public
                then row_number() over (
                        partition by ticket_id, is_usable_public order by created_at, ticket_comment_id
                    )
        end as public_sequence
    from flagged

)

select * from final
