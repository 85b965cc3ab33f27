{#- Dispatched helpers of the customer-success marts (issue 12). -#}

{#- `expression` (a timestamp) plus `amount` (an integer, may be negative) units (day, hour, month), exact
    to the microsecond on every engine and returning a timestamp: dbt-spark's dateadd goes through
    unix seconds (drops microseconds) and returns a date for months. -#}
{% macro timestamp_add(unit, amount, expression) -%}
    {{ return(adapter.dispatch('timestamp_add', 'gtm_warehouse')(unit, amount | int, expression)) }}
{%- endmacro %}

{% macro default__timestamp_add(unit, amount, expression) -%}
    ({{ expression }} + interval ({{ amount }}) {{ unit }})
{%- endmacro %}

{% macro spark__timestamp_add(unit, amount, expression) -%}
    timestampadd({{ unit | upper }}, {{ amount }}, {{ expression }})
{%- endmacro %}


{#- Aggregate: the distinct non-NULL values of `expression`, sorted, joined with `separator`
    (dbt.listagg ignores its order on Spark). -#}
{% macro sorted_distinct_string_agg(expression, separator=', ') -%}
    {{ return(adapter.dispatch('sorted_distinct_string_agg', 'gtm_warehouse')(expression, separator)) }}
{%- endmacro %}

{% macro default__sorted_distinct_string_agg(expression, separator) -%}
    array_to_string(list_sort(list_distinct(list({{ expression }}))), '{{ separator }}')
{%- endmacro %}

{% macro spark__sorted_distinct_string_agg(expression, separator) -%}
    array_join(sort_array(collect_set({{ expression }})), '{{ separator }}')
{%- endmacro %}
