{#- SHA-256 of a string as 64 lower-case hex characters (NULL stays NULL): what ad platforms expect for
    hashed user data (Google Ads enhanced conversions, Meta Conversions API). -#}
{% macro sha256(expression) -%}
    {{ return(adapter.dispatch('sha256', 'gtm_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__sha256(expression) -%}
    sha2(cast({{ expression }} as {{ dbt.type_string() }}), 256)
{%- endmacro %}

{% macro duckdb__sha256(expression) -%}
    sha256(cast({{ expression }} as {{ dbt.type_string() }}))
{%- endmacro %}
