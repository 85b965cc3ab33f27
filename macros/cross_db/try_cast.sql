{#- Cast that yields NULL instead of failing on bad input. dbt.safe_cast emits a plain cast on
    DuckDB and Spark, which raises on bad input, so the engines' own try_cast is used. -#}
{% macro try_cast(expression, data_type) -%}
    {{ return(adapter.dispatch('try_cast', 'gtm_warehouse')(expression, data_type)) }}
{%- endmacro %}

{% macro default__try_cast(expression, data_type) -%}
    {{ dbt.safe_cast(expression, data_type) }}
{%- endmacro %}

{% macro duckdb__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro spark__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}


{#- Parse a timestamp given as a timestamp or as ISO-8601 text (with or without a UTC offset) into a
    UTC timestamp without time zone; NULL when unparseable. -#}
{% macro try_cast_timestamp(expression) -%}
    {{ return(adapter.dispatch('try_cast_timestamp', 'gtm_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__try_cast_timestamp(expression) -%}
    {{ gtm_warehouse.try_cast(expression, dbt.type_timestamp()) }}
{%- endmacro %}

{#- DuckDB ignores a UTC offset when casting text straight to TIMESTAMP; going through TIMESTAMPTZ
    applies it (the profile pins the session time zone to UTC). -#}
{% macro duckdb__try_cast_timestamp(expression) -%}
    cast(try_cast({{ expression }} as timestamptz) as timestamp)
{%- endmacro %}
