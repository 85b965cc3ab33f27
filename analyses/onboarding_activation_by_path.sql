{{ config(enabled=var('using_product_db')) }}
-- Customer success / growth: which onboarding path activates workspaces, and how fast.
with

workspaces as (

    select
        workspace_id,
        onboarding_path,
        is_activated,
        is_activated_during_onboarding,
        hours_to_activation
    from {{ ref('rpt_workspace_onboarding') }}

)

select
    onboarding_path,
    count(*) as workspaces,
    sum(case when is_activated then 1 else 0 end) as activated_workspaces,
    sum(case when is_activated_during_onboarding then 1 else 0 end) as activated_during_onboarding,
    1.0 * sum(case when is_activated then 1 else 0 end) / count(*) as activation_rate,
    avg(hours_to_activation) as avg_hours_to_activation
from workspaces
group by onboarding_path
order by onboarding_path
