{#- One row per account: identifiers in every system, firmographics, current plan and lifecycle dates. -#}
with

accounts as (

    select
        account_id,
        workspace_id,
        crm_account_id,
        account_name,
        domain,
        industry,
        employees,
        workspace_created_at,
        account_match_evidence,
        crm_account_count
    from {{ ref('int_accounts_unified') }}

),

people as (

    select
        account_id,
        count(*) as people_count
    from {{ ref('int_people_accounts_resolved') }}
    group by account_id

),

{% if var('using_product_db') %}
    plan_periods as (

        select
            account_id,
            plan_tier,
            is_paid,
            mrr_amount,
            valid_from,
            valid_to,
            is_current
        from {{ ref('dim_account_plan_periods') }}

    ),

    plan_summary as (

        select
            account_id,
            max(case when is_current then plan_tier end) as current_plan_tier,
            max(case when is_current then mrr_amount end) as current_mrr_amount,
            min(case when is_paid then valid_from end) as first_paid_at,
            max(case when is_paid and is_current then 1 else 0 end) = 1 as is_paying,
            max(case when is_paid then coalesce(valid_to, valid_from) end) as last_paid_period_end_at
        from plan_periods
        group by account_id

    ),
{% else %}
-- without the product database there is no plan history: one empty row shape to join
plan_summary as (

    select
        cast(null as {{ dbt.type_string() }}) as account_id,
        cast(null as {{ dbt.type_string() }}) as current_plan_tier,
        cast(null as double) as current_mrr_amount,
        cast(null as {{ dbt.type_timestamp() }}) as first_paid_at,
        false as is_paying,
        cast(null as {{ dbt.type_timestamp() }}) as last_paid_period_end_at
    where false

),
{% endif %}

final as (

    select
        accounts.account_id,
        accounts.account_name,
        accounts.domain,
        accounts.workspace_id,
        accounts.crm_account_id,
        accounts.industry,
        accounts.employees,
        accounts.account_match_evidence,
        accounts.crm_account_count,
        plan_summary.current_plan_tier,
        plan_summary.current_mrr_amount,
        accounts.workspace_created_at as signed_up_at,
        plan_summary.first_paid_at,
        coalesce(people.people_count, 0) as people_count,
        coalesce(plan_summary.is_paying, false) as is_paying,
        case
            when plan_summary.first_paid_at is not null and not plan_summary.is_paying
                then plan_summary.last_paid_period_end_at
        end as churned_at,
        case
            when plan_summary.is_paying then 'customer'
            when plan_summary.first_paid_at is not null then 'churned'
            when accounts.workspace_id is not null then 'free'
            else 'prospect'
        end as lifecycle_stage
    from accounts
    left join people on accounts.account_id = people.account_id
    left join plan_summary on accounts.account_id = plan_summary.account_id

)

select * from final
