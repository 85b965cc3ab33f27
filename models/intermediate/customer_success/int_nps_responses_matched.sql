{#- One row per NPS survey response (stg_surveys__responses, survey_type nps) with its respondent and
    account. The person is the one of the response's user_id in the identity graph, else the one of its
    email; a respondent matching neither is kept with person_id NULL (respondent_match 'unknown'). The
    account is the response's workspace, else the respondent's account; NULL when neither is known.
    The wave is the calendar quarter of submission (macro nps_wave_id). A response whose user_id or email is
    on the erasure list (int_erased_identifiers) is left out, matched or not: an unmatched respondent's
    email is theirs too. -#}
{{ config(enabled=var('using_surveys')) }}

with

responses as (

    select
        response_id,
        survey_id,
        user_id,
        workspace_id,
        email,
        score,
        comment,
        submitted_at
    from {{ ref('stg_surveys__responses') }}
    where
        survey_type = 'nps'
        and {{ gtm_warehouse.not_erased(
            [['user_id', 'user_id'], ['email', 'email']], ref('int_erased_identifiers')) }}

),

identities as (

    select
        identifier_type,
        identifier_value,
        person_id
    from {{ ref('int_identities_stitched') }}

),

people_accounts as (

    select
        person_id,
        account_id
    from {{ ref('int_people_accounts_resolved') }}

),

workspace_accounts as (

    select
        account_id,
        workspace_id
    from {{ ref('int_accounts_unified') }}
    where workspace_id is not null

),

matched as (

    select
        responses.response_id,
        responses.survey_id,
        responses.user_id,
        responses.workspace_id,
        responses.email,
        responses.score,
        responses.comment,
        responses.submitted_at,
        workspace_accounts.account_id as workspace_account_id,
        coalesce(user_identity.person_id, email_identity.person_id) as person_id,
        case
            when user_identity.person_id is not null then 'user_id'
            when email_identity.person_id is not null then 'email'
            else 'unknown'
        end as respondent_match
    from responses
    left join identities as user_identity
        on user_identity.identifier_type = 'user_id' and responses.user_id = user_identity.identifier_value
    left join identities as email_identity
        on email_identity.identifier_type = 'email' and responses.email = email_identity.identifier_value
    left join workspace_accounts on responses.workspace_id = workspace_accounts.workspace_id

),

final as (

    select
        matched.response_id,
        matched.survey_id,
        {{ gtm_warehouse.nps_wave_id('matched.submitted_at') }} as wave_id,
        matched.person_id,
        matched.respondent_match,
        coalesce(matched.workspace_account_id, people_accounts.account_id) as account_id,
        matched.user_id,
        matched.workspace_id,
        matched.email,
        matched.score,
        matched.comment,
        matched.submitted_at
    from matched
    left join people_accounts on matched.person_id = people_accounts.person_id

)

select * from final
