{#- Every raw row of `survey_responses`, typed, renamed and flagged (macros/staging/source_base.sql);
    staged grain: one row per survey response.
    Quarantine reasons: missing_primary_key, score_out_of_range, missing_survey_id. -#}
{%- set columns -%}
    {{ gtm_warehouse.blank_to_null('id') }} as response_id,
    {{ gtm_warehouse.blank_to_null('survey_id') }} as survey_id,
    {{ gtm_warehouse.clean_identifier('user_id') }} as user_id,
    {{ gtm_warehouse.clean_identifier('workspace_id') }} as workspace_id,
    {{ gtm_warehouse.clean_text('survey_name') }} as survey_name,
    lower({{ gtm_warehouse.blank_to_null('survey_type') }}) as survey_type,
    {{ gtm_warehouse.normalize_email('respondent_email') }} as email,
    {{ dbt.split_part(gtm_warehouse.normalize_email('respondent_email'), "'@'", 2) }} as email_domain,
    {{ gtm_warehouse.clean_text('comment') }} as comment,
    {{ gtm_warehouse.try_cast('score', dbt.type_bigint()) }} as score,
    {{ gtm_warehouse.blank_to_null('respondent_email') }} is not null
    and {{ gtm_warehouse.normalize_email('respondent_email') }} is null as is_email_invalid,
    {{ gtm_warehouse.try_cast_timestamp('submitted_at') }} as submitted_at,
{%- endset -%}

{{ gtm_warehouse.source_base(
    'surveys',
    'survey_responses',
    columns=columns,
    key='response_id',
    latest_first='loaded_at desc nulls last, submitted_at desc nulls last',
    extra_reasons=[
        ['score < 0 or score > 10', 'score_out_of_range'],
        ['survey_id is null', 'missing_survey_id'],
    ],
) }}
