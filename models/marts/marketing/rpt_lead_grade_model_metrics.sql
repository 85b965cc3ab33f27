{#- One row per metric of the stored lead grade model: holdout AUC and log loss, the behaviour-count
    baseline's AUC, calibration by decile and feature importance, with the model's training date and rows. -#}
{{ config(enabled=var('using_crm', true)) }}

with

metrics as (

    select
        metric_group,
        metric_name,
        bucket,
        metric_value
    from {{ ref('lead_grade_metrics') }}

),

model as (

    select
        model_version,
        trained_at,
        training_rows,
        holdout_rows,
        label_window_days,
        trained_until,
        training_data
    from {{ ref('lead_grade_model') }}

),

final as (

    select
        {{ dbt.concat(['metrics.metric_group', "'|'", 'metrics.metric_name', "'|'", 'metrics.bucket']) }}
            as metric_key,
        model.model_version,
        metrics.metric_group,
        metrics.metric_name,
        metrics.bucket,
        metrics.metric_value,
        model.trained_at,
        model.training_rows,
        model.holdout_rows,
        model.label_window_days,
        model.trained_until,
        model.training_data
    from metrics
    cross join model

)

select * from final
