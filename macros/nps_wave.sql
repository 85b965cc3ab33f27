{#- NPS wave id of a timestamp: `nps_<year>_q<quarter>` (the survey ids the survey tool uses), from the
    calendar quarter the timestamp falls in. -#}
{% macro nps_wave_id(timestamp_expression) -%}
    {{ dbt.concat([
        "'nps_'",
        "cast(extract(year from " ~ timestamp_expression ~ ") as " ~ dbt.type_string() ~ ")",
        "'_q'",
        "cast(extract(quarter from " ~ timestamp_expression ~ ") as " ~ dbt.type_string() ~ ")",
    ]) }}
{%- endmacro %}
