-- One account per company: no company domain is held by two accounts unless both are product workspaces
-- (two workspace ids are evidence of two product accounts). A CRM account sharing a workspace's domain
-- must have been merged into it (int_crm_accounts_resolved). Fails with the domains held twice.
with

accounts as (

    select
        domain,
        workspace_id
    from {{ ref('dim_accounts') }}
    where domain is not null

)

select
    domain,
    count(*) as account_count,
    count(workspace_id) as workspace_accounts
from accounts
group by domain
having count(*) > 1 and count(workspace_id) < count(*)
