{#- Aggregate: the value of `value` on the row with the smallest `order_by` among the rows where
    `value is not null` (and `where`, if given). Rows with a NULL value are skipped on every engine
    (DuckDB's arg_min skips them, Spark's min_by would not: the filter makes them agree). -#}
{% macro first_by(value, order_by, where=none) -%}
    {{ return(adapter.dispatch('first_by', 'gtm_warehouse')(value, order_by, where)) }}
{%- endmacro %}

{% macro default__first_by(value, order_by, where=none) -%}
    min_by({{ value }}, {{ order_by }}) filter (
        where {{ value }} is not null{% if where %} and ({{ where }}){% endif %}
    )
{%- endmacro %}

{% macro duckdb__first_by(value, order_by, where=none) -%}
    arg_min({{ value }}, {{ order_by }}) filter (
        where {{ value }} is not null{% if where %} and ({{ where }}){% endif %}
    )
{%- endmacro %}
