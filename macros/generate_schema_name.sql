{#- Custom schemas are used as they are named (staging, intermediate, marts, seeds) instead of
    dbt's default `<target schema>_<custom>`: one warehouse file per environment keeps them apart. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
