{#- Membership history of the feature adoption campaign audiences: one row per spell of a person in an
    audience (audience_key, person_id, entered_at, exited_at), audiences defined in seed
    feature_adoption_audiences: `feature_adoption__<feature>__adopters` (technical docs) and
    `feature_adoption__<feature>__non_adopters` (onboarding material). Members are the people with an email
    of the active accounts of fct_feature_adoption. A person enters non_adopters at the launch (or when first
    seen, if later) and moves to adopters when their account first uses the feature; a person first seen
    after the adoption enters adopters directly. -#}
{{ config(enabled=var('using_product_db')) }}

with

feature_accounts as (

    select
        feature_name,
        account_id,
        launched_at,
        first_used_at
    from {{ ref('fct_feature_adoption') }}

),

people as (

    select
        person_id,
        account_id,
        first_seen_at
    from {{ ref('dim_people') }}
    where account_id is not null and primary_email is not null and first_seen_at is not null

),

audiences as (

    select
        audience_suffix,
        is_adopter,
        content_type
    from {{ ref('feature_adoption_audiences') }}

),

person_features as (

    select
        feature_accounts.feature_name,
        feature_accounts.account_id,
        people.person_id,
        feature_accounts.first_used_at,
        case
            when people.first_seen_at > feature_accounts.launched_at then people.first_seen_at
            else feature_accounts.launched_at
        end as eligible_from
    from feature_accounts
    inner join people on feature_accounts.account_id = people.account_id

),

spells as (

    -- non-adopters: from eligibility until the account adopts (if it ever does after the person arrived)
    select
        person_features.feature_name,
        person_features.account_id,
        person_features.person_id,
        false as is_adopter,
        person_features.eligible_from as entered_at,
        person_features.first_used_at as exited_at
    from person_features
    where person_features.first_used_at is null or person_features.first_used_at > person_features.eligible_from

    union all

    -- adopters: from the adoption (or from when the person arrived, if later); never exited
    select
        person_features.feature_name,
        person_features.account_id,
        person_features.person_id,
        true as is_adopter,
        case
            when person_features.first_used_at > person_features.eligible_from then person_features.first_used_at
            else person_features.eligible_from
        end as entered_at,
        cast(null as {{ dbt.type_timestamp() }}) as exited_at
    from person_features
    where person_features.first_used_at is not null

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "'feature_adoption__'", 'spells.feature_name', "'__'", 'audiences.audience_suffix', "'|'",
            'spells.person_id', "'|'",
            "cast(" ~ gtm_warehouse.epoch_microseconds('spells.entered_at') ~ " as " ~ dbt.type_string() ~ ")",
        ])) }} as membership_id,
        {{ dbt.concat(["'feature_adoption__'", 'spells.feature_name', "'__'", 'audiences.audience_suffix']) }}
            as audience_key,
        spells.person_id,
        spells.entered_at,
        spells.exited_at,
        spells.feature_name,
        spells.account_id,
        audiences.content_type
    from spells
    inner join audiences on spells.is_adopter = audiences.is_adopter

)

select * from final
