{#- Aggregate text values into one string, sorted ascending, joined by `delimiter` (NULLs skipped):
    deterministic on both engines (dbt.listagg ignores its order by on Spark). -#}
{% macro sorted_string_agg(expression, delimiter=', ') -%}
    {{ return(adapter.dispatch('sorted_string_agg', 'gtm_warehouse')(expression, delimiter)) }}
{%- endmacro %}

{% macro default__sorted_string_agg(expression, delimiter) -%}
    string_agg({{ expression }}, '{{ delimiter }}' order by {{ expression }})
{%- endmacro %}

{% macro spark__sorted_string_agg(expression, delimiter) -%}
    nullif(array_join(array_sort(collect_list({{ expression }})), '{{ delimiter }}'), '')
{%- endmacro %}
