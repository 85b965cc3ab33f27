{#- One row per account (the company a person works for): product workspaces (int_workspaces_unified)
    and the CRM accounts resolved to them by evidence (int_crm_accounts_resolved: workspace id field,
    then company domain, then support organization domain). One account per company: a CRM account
    that names no workspace but shows the workspace's domain is the same account, not a prospect twin.
    `account_id` is stable: derived from the workspace id when there is one, else from the (first)
    CRM account id of the company. -#}
with

workspaces as (

    select
        workspace_id,
        workspace_name,
        industry,
        employees,
        website,
        created_at,
        domain
    from {{ ref('int_workspaces_unified') }}

),

{% if var('using_crm') %}
    crm_accounts as (

        select
            account_id as crm_account_id,
            account_name,
            industry,
            number_of_employees
        from {{ ref('stg_crm__accounts') }}
        where not coalesce(is_deleted, false)

    ),

    crm_resolved as (

        select
            crm_account_id,
            account_id,
            workspace_id,
            crm_domain,
            account_match_evidence,
            is_primary
        from {{ ref('int_crm_accounts_resolved') }}

    ),

    crm_counts as (

        select
            account_id,
            count(*) as crm_account_count
        from crm_resolved
        group by account_id

    ),

    crm_primary as (

        select
            crm_resolved.account_id,
            crm_resolved.crm_account_id,
            crm_resolved.workspace_id,
            crm_resolved.crm_domain,
            crm_resolved.account_match_evidence,
            crm_accounts.account_name,
            crm_accounts.industry,
            crm_accounts.number_of_employees,
            crm_counts.crm_account_count
        from crm_resolved
        inner join crm_accounts on crm_resolved.crm_account_id = crm_accounts.crm_account_id
        inner join crm_counts on crm_resolved.account_id = crm_counts.account_id
        where crm_resolved.is_primary

    ),

    crm_with_workspace as (

        select
            account_id,
            crm_account_id,
            workspace_id,
            crm_domain,
            account_match_evidence,
            account_name,
            industry,
            number_of_employees,
            crm_account_count
        from crm_primary
        where workspace_id is not null

    ),

{% endif %}
with_workspace as (

    select
        coalesce(workspaces.workspace_id, {{ 'crm_with_workspace.workspace_id' if var('using_crm') else 'null' }})
            as workspace_id,
        {%- if var('using_crm') %}
            crm_with_workspace.crm_account_id,
            coalesce(crm_with_workspace.account_name, workspaces.workspace_name) as account_name,
            coalesce(crm_with_workspace.industry, workspaces.industry) as industry,
            coalesce(crm_with_workspace.number_of_employees, workspaces.employees) as employees,
            coalesce(crm_with_workspace.crm_domain, workspaces.domain) as domain,
            coalesce(crm_with_workspace.account_match_evidence, 'workspace_only') as account_match_evidence,
            coalesce(crm_with_workspace.crm_account_count, 0) as crm_account_count,
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as crm_account_id,
        workspaces.workspace_name as account_name,
        workspaces.industry,
        workspaces.employees,
        workspaces.domain,
        'workspace_only' as account_match_evidence,
        cast(0 as {{ dbt.type_bigint() }}) as crm_account_count,
        {%- endif %}
        workspaces.workspace_name,
        workspaces.created_at as workspace_created_at
    from workspaces
    {%- if var('using_crm') %}
    full outer join crm_with_workspace on workspaces.workspace_id = crm_with_workspace.workspace_id
    {%- endif %}

),

joined as (

    select
        workspace_id,
        crm_account_id,
        account_name,
        industry,
        employees,
        domain,
        account_match_evidence,
        crm_account_count,
        workspace_name,
        workspace_created_at
    from with_workspace
    {%- if var('using_crm') %}
        union all
        select
            cast(null as {{ dbt.type_string() }}) as workspace_id,
            crm_account_id,
            account_name,
            industry,
            number_of_employees as employees,
            crm_domain as domain,
            account_match_evidence,
            crm_account_count,
            cast(null as {{ dbt.type_string() }}) as workspace_name,
            cast(null as {{ dbt.type_timestamp() }}) as workspace_created_at
        from crm_primary
        where workspace_id is null
    {%- endif %}

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "case when workspace_id is not null then 'workspace|' else 'crm_account|' end",
            "coalesce(workspace_id, crm_account_id)",
        ])) }} as account_id,
        workspace_id,
        crm_account_id,
        account_name,
        workspace_name,
        industry,
        employees,
        workspace_created_at,
        domain,
        account_match_evidence,
        crm_account_count
    from joined

)

select * from final
