{#- First capture group of a regular expression, NULL when there is no match.
    Patterns must avoid backslashes: Spark string literals consume them. -#}
{% macro regexp_extract_group(expression, pattern, group=1) -%}
    {{ return(adapter.dispatch('regexp_extract_group', 'gtm_warehouse')(expression, pattern, group)) }}
{%- endmacro %}

{% macro default__regexp_extract_group(expression, pattern, group=1) -%}
    nullif(regexp_extract({{ expression }}, '{{ pattern }}', {{ group }}), '')
{%- endmacro %}


{#- True when the expression matches the regular expression anywhere. -#}
{% macro regexp_matches(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_matches', 'gtm_warehouse')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_matches(expression, pattern) -%}
    regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__regexp_matches(expression, pattern) -%}
    ({{ expression }} rlike '{{ pattern }}')
{%- endmacro %}


{#- Percent-decode a URL component; `+` means a space in query strings. -#}
{% macro url_decode(expression) -%}
    {{ return(adapter.dispatch('url_decode', 'gtm_warehouse')(expression)) }}
{%- endmacro %}

{% macro default__url_decode(expression) -%}
    url_decode(replace({{ expression }}, '+', ' '))
{%- endmacro %}

{% macro spark__url_decode(expression) -%}
    try_url_decode({{ expression }})
{%- endmacro %}


{#- Like regexp_matches, but the pattern is a SQL expression (e.g. a seed column) instead of a
    literal: for rule tables that marketing edits. Patterns must still avoid backslashes. -#}
{% macro regexp_matches_expression(expression, pattern_expression) -%}
    {{ return(adapter.dispatch('regexp_matches_expression', 'gtm_warehouse')(expression, pattern_expression)) }}
{%- endmacro %}

{% macro default__regexp_matches_expression(expression, pattern_expression) -%}
    regexp_matches({{ expression }}, {{ pattern_expression }})
{%- endmacro %}

{% macro spark__regexp_matches_expression(expression, pattern_expression) -%}
    ({{ expression }} rlike {{ pattern_expression }})
{%- endmacro %}
