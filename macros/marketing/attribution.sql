{#- A list of text values as a SQL literal list (`'a', 'b'`), for `in (...)` on a var that holds a list. -#}
{% macro sql_literal_list(values) -%}
    {%- for value in values %}'{{ value | replace("'", "''") }}'{{ ', ' if not loop.last }}{% endfor -%}
{%- endmacro %}
