{#- Microseconds since 1970-01-01 of a timestamp (bigint), exact on every engine: for comparing
    gaps between events (dbt.datediff counts boundaries on DuckDB and rounds up on Spark). -#}
{% macro epoch_microseconds(expression) -%}
    {{ return(adapter.dispatch('epoch_microseconds', 'gtm_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__epoch_microseconds(expression) -%}
    {{ dbt.datediff("cast('1970-01-01' as " ~ dbt.type_timestamp() ~ ")", expression, 'microsecond') }}
{%- endmacro %}

{% macro duckdb__epoch_microseconds(expression) -%}
    epoch_us({{ expression }})
{%- endmacro %}

{% macro spark__epoch_microseconds(expression) -%}
    unix_micros({{ expression }})
{%- endmacro %}
