{#- Column list of a relation, except some columns; `*` while parsing (the relation may not exist yet).
    Portable replacement for DuckDB's `* exclude (...)` / Spark's `* except (...)`. -#}
{% macro star(relation, except=[], relation_alias=none) -%}
    {%- if not execute -%}
        {{ return('*') }}
    {%- endif -%}
    {%- set excluded = except | map('lower') | list -%}
    {%- set columns = adapter.get_columns_in_relation(relation) | rejectattr('name', 'in', []) | list -%}
    {%- set kept = [] -%}
    {%- for column in columns if column.name | lower not in excluded -%}
        {%- do kept.append((relation_alias ~ '.' if relation_alias else '') ~ adapter.quote(column.name)) -%}
    {%- endfor -%}
    {{ return(kept | join(',\n    ')) }}
{%- endmacro %}
