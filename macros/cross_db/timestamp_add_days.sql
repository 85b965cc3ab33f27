{#- A timestamp plus a number of days (negative: minus), exact to the microsecond on every engine
    (dbt-spark's dateadd by day goes through unix seconds and drops the fraction). -#}
{% macro timestamp_add_days(expression, days) -%}
    {{ return(adapter.dispatch('timestamp_add_days', 'gtm_warehouse')(expression, days)) }}
{%- endmacro %}

{% macro default__timestamp_add_days(expression, days) -%}
    timestampadd(day, {{ days }}, {{ expression }})
{%- endmacro %}

{% macro duckdb__timestamp_add_days(expression, days) -%}
    ({{ expression }} + to_days(cast({{ days }} as integer)))
{%- endmacro %}
