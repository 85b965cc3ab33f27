{#- Rank of an identifier type in var gtm__identity_priority (0 = highest: user_id); unknown types last. -#}
{% macro identifier_priority(type_expression) -%}
    case {{ type_expression }}
        {%- for identifier_type in var('gtm__identity_priority') %}
        when '{{ identifier_type }}' then {{ loop.index0 }}
        {%- endfor %}
        else {{ var('gtm__identity_priority') | length }}
    end
{%- endmacro %}


{#- The person_id of an identity-graph label (`<priority>|<type>|<value>`): a stable hash, so the same
    anchor always yields the same person_id, in a full refresh or an incremental run. -#}
{% macro person_id_from_label(label_expression) -%}
    {{ dbt.hash(label_expression) }}
{%- endmacro %}


{#- The graph label of one identifier: its priority (one digit), type and value. -#}
{% macro identity_label(type_expression, value_expression) -%}
    {{ dbt.concat([
        "cast(" ~ gtm_warehouse.identifier_priority(type_expression) ~ " as " ~ dbt.type_string() ~ ")",
        "'|'", type_expression, "'|'", value_expression,
    ]) }}
{%- endmacro %}
