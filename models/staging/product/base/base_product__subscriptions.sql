{#- Every raw row of `app_subscriptions`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per subscription period of a workspace.
    Quarantine reasons: missing_primary_key, missing_workspace_id, negative_mrr, ended_before_started. -#}
{%- set columns -%}
    {{ gtm_warehouse.blank_to_null('id') }} as subscription_id,
    {{ gtm_warehouse.blank_to_null('workspace_id') }} as workspace_id,
    lower({{ gtm_warehouse.blank_to_null('plan_tier') }}) as plan_tier,
    lower({{ gtm_warehouse.blank_to_null('status') }}) as subscription_status,
    upper({{ gtm_warehouse.blank_to_null('currency') }}) as currency,
    {{ gtm_warehouse.try_cast('mrr_amount', 'double') }} as mrr_amount,
    {{ gtm_warehouse.try_cast_timestamp('ended_at') }} is null as is_current,
    {{ gtm_warehouse.try_cast_timestamp('started_at') }} as started_at,
    {{ gtm_warehouse.try_cast_timestamp('ended_at') }} as ended_at,
    {{ gtm_warehouse.try_cast_timestamp('updated_at') }} as updated_at,
{%- endset -%}

{{ gtm_warehouse.source_base(
    'product',
    'app_subscriptions',
    columns=columns,
    key='subscription_id',
    latest_first='updated_at desc nulls last, loaded_at desc nulls last',
    extra_reasons=[
        ['workspace_id is null', 'missing_workspace_id'],
        ['mrr_amount < 0', 'negative_mrr'],
        ['ended_at < started_at', 'ended_before_started'],
    ],
) }}
