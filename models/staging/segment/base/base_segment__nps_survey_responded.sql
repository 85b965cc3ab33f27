{%- set property_columns -%}
    {{ gtm_warehouse.blank_to_null('response_id') }} as response_id,
    {{ gtm_warehouse.blank_to_null('survey_id') }} as survey_id,
    {{ gtm_warehouse.blank_to_null('workspace_id') }} as workspace_id,
    {{ gtm_warehouse.try_cast('score', dbt.type_bigint()) }} as score,
    {{ gtm_warehouse.clean_text('comment') }} as comment,
{%- endset -%}

{{ gtm_warehouse.segment_base(
    'nps_survey_responded',
    columns=property_columns,
    web_context=false,
) }}
