{#- One row per conversion: the first signup of a person (signed_up), a CRM lead (lead_created), an MQL
    episode (mql), an opportunity (opportunity_created, amount = pipeline) and a won opportunity
    (closed_won, amount = revenue). Person-level conversions are attributed to the person's touches;
    account-level ones (opportunities) to the touches of every person on the account.
    Bad input: a lead without a (usable) email is the person of its lead id alone; an opportunity without
    a contact has no person (its account's touches still count); an opportunity whose account is unknown to
    the warehouse has no account (its contact's touches count; with neither it gets a `(no touch)` row).
    Soft-deleted CRM rows are not conversions. -#}
with

events as (

    select
        message_id,
        person_id,
        account_id,
        event_at
    from {{ ref('fct_events') }}
    where event_name = 'signed_up'

),

mql_episodes as (

    -- the warehouse's own MQLs: episodes of the signal threshold score (sales marts)
    select
        mql_episode_id,
        lead_id,
        person_id,
        account_id,
        mql_at
    from {{ ref('fct_mql_episodes') }}

),

leads as (

    select
        lead_id,
        converted_account_id,
        created_at
    from {{ ref('stg_crm__leads') }}
    -- erased people's leads leave here (right to erasure: int_erased_identifiers)
    where
        not is_deleted
        and {{ gtm_warehouse.not_erased(
            [['crm_lead_id', 'lead_id'], ['email', 'email'], ['crm_contact_id', 'converted_contact_id']], ref('int_erased_identifiers')
        ) }}

),

opportunities as (

    select
        opportunity_id,
        account_id as crm_account_id,
        contact_id,
        amount,
        is_won,
        close_date,
        created_at
    from {{ ref('stg_crm__opportunities') }}
    where not is_deleted

),

accounts as (

    -- every live CRM account on its resolved account (merged duplicates and accounts without the
    -- workspace id field included: account resolution by evidence)
    select
        account_id,
        crm_account_id
    from {{ ref('int_crm_accounts_resolved') }}

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

first_signups as (

    select
        message_id,
        person_id,
        account_id,
        event_at,
        row_number() over (partition by person_id order by event_at, message_id) as signup_number
    from events

),

signed_up as (

    select
        {{ dbt.concat(["'signed_up|'", 'message_id']) }} as conversion_id,
        'signed_up' as conversion_type,
        'person' as attribution_level,
        person_id,
        account_id,
        event_at as converted_at,
        cast(null as double) as amount,
        cast(null as {{ dbt.type_string() }}) as currency,
        cast(null as {{ dbt.type_string() }}) as lead_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        message_id as source_record_id
    from first_signups
    where signup_number = 1

),

lead_people as (

    select
        leads.lead_id,
        leads.converted_account_id,
        leads.created_at,
        coalesce(
            lead_identity.person_id,
            {{ gtm_warehouse.person_id_from_label(gtm_warehouse.identity_label("'crm_lead_id'", 'leads.lead_id')) }}
        ) as person_id
    from leads
    left join identities as lead_identity
        on lead_identity.identifier_type = 'crm_lead_id' and leads.lead_id = lead_identity.identifier_value

),

lead_created as (

    select
        {{ dbt.concat(["'lead_created|'", 'lead_people.lead_id']) }} as conversion_id,
        'lead_created' as conversion_type,
        'person' as attribution_level,
        lead_people.person_id,
        coalesce(people_accounts.account_id, accounts.account_id) as account_id,
        lead_people.created_at as converted_at,
        cast(null as double) as amount,
        cast(null as {{ dbt.type_string() }}) as currency,
        lead_people.lead_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        lead_people.lead_id as source_record_id
    from lead_people
    left join people_accounts on lead_people.person_id = people_accounts.person_id
    left join accounts on lead_people.converted_account_id = accounts.crm_account_id

),

mql as (

    select
        {{ dbt.concat(["'mql|'", 'mql_episode_id']) }} as conversion_id,
        'mql' as conversion_type,
        'person' as attribution_level,
        person_id,
        account_id,
        mql_at as converted_at,
        cast(null as double) as amount,
        cast(null as {{ dbt.type_string() }}) as currency,
        lead_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        mql_episode_id as source_record_id
    from mql_episodes

),

opportunity_parties as (

    select
        opportunities.opportunity_id,
        opportunities.amount,
        opportunities.is_won,
        opportunities.close_date,
        opportunities.created_at,
        accounts.account_id,
        case
            when opportunities.contact_id is not null
                then coalesce(
                        contact_identity.person_id,
                    {{ gtm_warehouse.person_id_from_label(
                        gtm_warehouse.identity_label("'crm_contact_id'", 'opportunities.contact_id')) }}
                    )
        end as person_id
    from opportunities
    left join accounts on opportunities.crm_account_id = accounts.crm_account_id
    left join identities as contact_identity
        on
            contact_identity.identifier_type = 'crm_contact_id'
            and opportunities.contact_id = contact_identity.identifier_value

),

opportunity_created as (

    select
        {{ dbt.concat(["'opportunity_created|'", 'opportunity_id']) }} as conversion_id,
        'opportunity_created' as conversion_type,
        'account' as attribution_level,
        person_id,
        account_id,
        created_at as converted_at,
        amount,
        '{{ var("gtm__crm_currency") }}' as currency,
        cast(null as {{ dbt.type_string() }}) as lead_id,
        opportunity_id,
        opportunity_id as source_record_id
    from opportunity_parties

),

closed_won as (

    -- won at the end of its close date (the CRM has only the date), never before it was created
    select
        {{ dbt.concat(["'closed_won|'", 'opportunity_id']) }} as conversion_id,
        'closed_won' as conversion_type,
        'account' as attribution_level,
        person_id,
        account_id,
        greatest(
            created_at,
            {{ dbt.dateadd('second', -1, dbt.dateadd('day', 1, 'cast(close_date as ' ~ dbt.type_timestamp() ~ ')')) }}
        ) as converted_at,
        amount,
        '{{ var("gtm__crm_currency") }}' as currency,
        cast(null as {{ dbt.type_string() }}) as lead_id,
        opportunity_id,
        opportunity_id as source_record_id
    from opportunity_parties
    where is_won

),

unioned as (

    select * from signed_up
    union all
    select * from lead_created
    union all
    select * from mql
    union all
    select * from opportunity_created
    union all
    select * from closed_won

),

final as (

    select
        conversion_id,
        conversion_type,
        attribution_level,
        person_id,
        account_id,
        converted_at,
        amount,
        currency,
        lead_id,
        opportunity_id,
        source_record_id
    from unioned

)

select * from final
