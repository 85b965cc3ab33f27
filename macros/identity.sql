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


{#- The person of an event: the person of its user_id, else of its anonymous_id, else (identifiers the
    graph never linked) the person that identifier alone would be: the same label hash as the graph's.
    Expects joins `user_identity` and `device_identity` on int_identities_stitched. -#}
{% macro resolve_event_person(user_id, anonymous_id) -%}
    coalesce(
        user_identity.person_id,
        device_identity.person_id,
        case
            when {{ user_id }} is not null
                then {{ gtm_warehouse.person_id_from_label(gtm_warehouse.identity_label("'user_id'", user_id)) }}
            when {{ anonymous_id }} is not null
                then {{ gtm_warehouse.person_id_from_label(gtm_warehouse.identity_label("'anonymous_id'", anonymous_id)) }}
        end
    )
{%- endmacro %}


{#- The two joins resolve_event_person reads: the identity map (a CTE or relation named `identities`)
    joined as `user_identity` on the row's user_id and as `device_identity` on its anonymous_id. -#}
{% macro identity_joins(user_id, anonymous_id, identities='identities') -%}
    left join {{ identities }} as user_identity
        on user_identity.identifier_type = 'user_id' and {{ user_id }} = user_identity.identifier_value
    left join {{ identities }} as device_identity
        on device_identity.identifier_type = 'anonymous_id' and {{ anonymous_id }} = device_identity.identifier_value
{%- endmacro %}
