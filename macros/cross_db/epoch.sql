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


{#- The timestamp (UTC, without time zone) that lies `expression` microseconds after 1970-01-01:
    the inverse of epoch_microseconds. -#}
{% macro timestamp_from_epoch_microseconds(expression) -%}
    {{ return(adapter.dispatch('timestamp_from_epoch_microseconds', 'gtm_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__timestamp_from_epoch_microseconds(expression) -%}
    {{ dbt.dateadd('microsecond', expression, "cast('1970-01-01' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}

{% macro duckdb__timestamp_from_epoch_microseconds(expression) -%}
    make_timestamp(cast({{ expression }} as bigint))
{%- endmacro %}

{% macro spark__timestamp_from_epoch_microseconds(expression) -%}
    timestamp_micros({{ expression }})
{%- endmacro %}
