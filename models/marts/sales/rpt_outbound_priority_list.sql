{#- Grain: one row per open primary lead (status in var gtm__sales_open_lead_statuses, not converted):
    the outbound priority list, ranked by signal threshold score, then intent (how many high-intent
    audiences the person is in now), then the newest lead (ties: lead id). With owner (the CRM account
    owner), account, reasons and what changed since yesterday (score, MQL, audiences entered / exited). -#}
with

leads as (

    select
        lead_id,
        person_id,
        account_id,
        email,
        first_name,
        last_name,
        company_name,
        job_title,
        lead_status,
        created_at,
        score,
        top_reasons,
        is_mql,
        last_mql_at,
        last_visit_at,
        visits_this_week,
        emails_today,
        as_of_date
    from {{ ref('dim_lead_signal_scores') }}
    where is_open and is_primary_lead

),

history as (

    select
        person_id,
        score_date,
        score
    from {{ ref('fct_person_score_history') }}

),

dates as (

    select
        as_of_date,
        previous_as_of_date
    from {{ ref('int_sales_dates_resolved') }}

),

accounts as (

    select
        account_id,
        account_name
    from {{ ref('dim_accounts') }}

),

-- every live CRM account on its resolved account (int_crm_accounts_resolved: duplicates merged by
-- evidence, accounts without the workspace id field included)
crm_accounts_resolved as (

    select
        crm_account_id,
        account_id,
        is_primary
    from {{ ref('int_crm_accounts_resolved') }}

),

crm_accounts as (

    select
        account_id as crm_account_id,
        owner_id
    from {{ ref('stg_crm__accounts') }}

),

-- the account's owner: the owner of its primary CRM account, else of another of its CRM accounts that has
-- one (ties: CRM account id)
account_owners_ranked as (

    select
        crm_accounts_resolved.account_id,
        crm_accounts.owner_id,
        row_number() over (
            partition by crm_accounts_resolved.account_id
            order by
                crm_accounts_resolved.is_primary desc,
                crm_accounts.owner_id is null asc,
                crm_accounts_resolved.crm_account_id asc
        ) as owner_rank
    from crm_accounts_resolved
    inner join crm_accounts on crm_accounts_resolved.crm_account_id = crm_accounts.crm_account_id

),

account_owners as (

    select
        account_id,
        owner_id
    from account_owners_ranked
    where owner_rank = 1

),

audience_members as (

    select
        person_id,
        audience_key
    from {{ ref('rpt_sales_audience_members_current') }}

),

audience_changes as (

    select
        person_id,
        audience_key,
        change_type
    from {{ ref('rpt_sales_audience_membership_changes') }}

),

scores_yesterday as (

    select
        history.person_id,
        history.score,
        row_number() over (partition by history.person_id order by history.score_date desc) as recency_rank
    from history
    cross join dates
    where history.score_date <= dates.previous_as_of_date

),

audience_summary as (

    select
        person_id,
        count(*) as audience_count,
        {{ gtm_warehouse.sorted_string_agg('audience_key') }} as audiences
    from audience_members
    group by person_id

),

change_summary as (

    select
        person_id,
        {{ gtm_warehouse.sorted_string_agg("case when change_type = 'entered' then audience_key end") }}
            as audiences_entered,
        {{ gtm_warehouse.sorted_string_agg("case when change_type = 'exited' then audience_key end") }}
            as audiences_exited
    from audience_changes
    group by person_id

),

enriched as (

    select
        leads.lead_id,
        leads.person_id,
        leads.account_id,
        accounts.account_name,
        account_owners.owner_id,
        leads.email,
        leads.first_name,
        leads.last_name,
        leads.company_name,
        leads.job_title,
        leads.lead_status,
        leads.created_at,
        leads.score,
        audience_summary.audiences,
        change_summary.audiences_entered,
        change_summary.audiences_exited,
        leads.is_mql,
        leads.top_reasons,
        leads.last_visit_at,
        leads.visits_this_week,
        leads.emails_today,
        leads.as_of_date,
        coalesce(scores_yesterday.score, 0) as score_yesterday,
        leads.score - coalesce(scores_yesterday.score, 0) as score_change_since_yesterday,
        coalesce(audience_summary.audience_count, 0) as audience_count,
        leads.is_mql and cast(leads.last_mql_at as date) = dates.as_of_date as is_new_mql
    from leads
    cross join dates
    left join accounts
        on leads.account_id = accounts.account_id
    left join account_owners
        on leads.account_id = account_owners.account_id
    left join scores_yesterday
        on leads.person_id = scores_yesterday.person_id and scores_yesterday.recency_rank = 1
    left join audience_summary
        on leads.person_id = audience_summary.person_id
    left join change_summary
        on leads.person_id = change_summary.person_id

),

ranked as (

    select
        row_number() over (
            order by score desc, audience_count desc, created_at desc, lead_id asc
        ) as priority_rank,
        lead_id,
        person_id,
        account_id,
        account_name,
        owner_id,
        email,
        first_name,
        last_name,
        company_name,
        job_title,
        lead_status,
        score,
        score_yesterday,
        score_change_since_yesterday,
        audience_count,
        audiences,
        is_mql,
        is_new_mql,
        top_reasons,
        concat_ws(
            '; ',
            case when is_new_mql then 'new MQL' end,
            case
                when score_change_since_yesterday <> 0
                    then {{ dbt.concat([
                        "'score '",
                        "case when score_change_since_yesterday > 0 then '+' else '' end",
                        "cast(round(score_change_since_yesterday, 1) as " ~ dbt.type_string() ~ ")",
                    ]) }}
            end,
            case when audiences_entered is not null then {{ dbt.concat(["'entered: '", 'audiences_entered']) }} end,
            case when audiences_exited is not null then {{ dbt.concat(["'exited: '", 'audiences_exited']) }} end
        ) as changes_since_yesterday,
        last_visit_at,
        visits_this_week,
        emails_today,
        as_of_date
    from enriched

)

select * from ranked
