{#- Replace every match of a regular expression (DuckDB replaces only the first without the 'g' flag;
    Spark's regexp_replace always replaces all). Patterns must avoid backslashes. -#}
{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'gtm_warehouse')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{% macro duckdb__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}


{#- A phone number in E.164 (`+` and 8 to 15 digits), NULL when it cannot be one. Rules, in order:
    a leading `+` keeps the digits as they are; a leading `00` is the international prefix; otherwise the
    number is national: with the default country calling code 1, 11 digits starting with 1 already carry
    it; else one national trunk `0` is dropped and var gtm__default_phone_country_code is put in front.
    Everything but digits (spaces, dots, dashes, parentheses) is ignored; fewer than 7 digits is junk. -#}
{% macro normalize_phone_e164(expression) -%}
    {%- set international = gtm_warehouse.phone_international_digits(expression) -%}
    case
        when
            length({{ gtm_warehouse.regexp_replace_all(expression, '[^0-9]', '') }}) >= 7
            and length({{ international }}) between 8 and 15
            then {{ dbt.concat(["'+'", international]) }}
    end
{%- endmacro %}


{#- The digits of a phone number with its country calling code (see normalize_phone_e164). -#}
{% macro phone_international_digits(expression) -%}
    {%- set cc = var('gtm__default_phone_country_code') | string -%}
    {%- set digits = gtm_warehouse.regexp_replace_all(expression, '[^0-9]', '') -%}
    case
        when trim({{ expression }}) like '+%' then {{ digits }}
        when {{ digits }} like '00%' then substr({{ digits }}, 3)
        {%- if cc == '1' %}
        when length({{ digits }}) = 11 and {{ digits }} like '1%' then {{ digits }}
        {%- endif %}
        when {{ digits }} like '0%' then {{ dbt.concat(["'" ~ cc ~ "'", 'substr(' ~ digits ~ ', 2)']) }}
        else {{ dbt.concat(["'" ~ cc ~ "'", digits]) }}
    end
{%- endmacro %}
