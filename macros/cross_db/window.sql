{#- The last non-NULL value of an expression in a window frame; the caller writes `over (...)`.
    DuckDB (and the SQL standard) spell it `last_value(x ignore nulls)`, Spark `last_value(x, true)`. -#}
{% macro last_value_ignore_nulls(expression) -%}
    {{ return(adapter.dispatch('last_value_ignore_nulls', 'gtm_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__last_value_ignore_nulls(expression) -%}
    last_value({{ expression }} ignore nulls)
{%- endmacro %}

{% macro spark__last_value_ignore_nulls(expression) -%}
    last_value({{ expression }}, true)
{%- endmacro %}
