{#- One row per account and feature it has used (Segment `Feature Used` events): first and last use and
    the number of uses. The account is the workspace sent with the event, else the account of the person
    who sent it (identity graph, then int_people_accounts_resolved); uses tied to no account are counted
    in `int_feature_adoptions_identified` under account_id NULL so that nothing is dropped silently. -#}
with

feature_used as (

    select
        message_id,
        user_id,
        anonymous_id,
        workspace_id,
        feature_name,
        event_at
    from {{ ref('stg_segment__feature_used') }}
    -- an erased person's uses leave here (right to erasure: int_erased_identifiers)
    where
        feature_name is not null
        and {{ gtm_warehouse.not_erased(
            [['anonymous_id', 'anonymous_id'], ['user_id', 'user_id']], ref('int_erased_identifiers')
        ) }}

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

uses_resolved as (

    select
        feature_used.message_id,
        lower(feature_used.feature_name) as feature_name,
        feature_used.event_at,
        {{ gtm_warehouse.resolve_event_person('feature_used.user_id', 'feature_used.anonymous_id') }} as person_id,
        workspace_accounts.account_id as workspace_account_id
    from feature_used
    {{ gtm_warehouse.identity_joins('feature_used.user_id', 'feature_used.anonymous_id') }}
    left join workspace_accounts on feature_used.workspace_id = workspace_accounts.workspace_id

),

uses_with_account as (

    select
        uses_resolved.message_id,
        uses_resolved.feature_name,
        uses_resolved.event_at,
        coalesce(uses_resolved.workspace_account_id, people_accounts.account_id) as account_id
    from uses_resolved
    left join people_accounts on uses_resolved.person_id = people_accounts.person_id

),

adoptions as (

    select
        account_id,
        feature_name,
        min(event_at) as first_used_at,
        max(event_at) as last_used_at,
        count(*) as use_count
    from uses_with_account
    group by account_id, feature_name

),

final as (

    select
        {{ dbt.concat(["coalesce(account_id, '(no account)')", "'|'", 'feature_name']) }} as account_feature_id,
        account_id,
        feature_name,
        first_used_at,
        last_used_at,
        use_count
    from adoptions

)

select * from final
