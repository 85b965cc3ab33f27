{#-
    Union of the quarantined rows (`_dq_reason is not null`) of every base model listed.
    sources: list of {name, enabled, event_rows, tables}; the base model of a table is
    `base_<name>__<table>` and its raw table `<raw_prefix><table>` (raw_prefix optional). Event rows carry
    anonymous_id, user_id and event_at; other sources get NULLs there.
-#}
{% macro quarantine_union(sources) -%}
{%- set selects = [] -%}
{%- for src in sources if src.enabled -%}
    {%- for table in src.tables -%}
        {%- set model_name = (src.get('models') or {}).get(table, 'base_' ~ src.name ~ '__' ~ table) -%}
        {%- set select_sql -%}
    select
        '{{ src.name }}' as source_name,
        '{{ src.raw_prefix ~ table if src.raw_prefix else table }}' as source_table,
        _dq_key as record_key,
        {%- if src.event_rows %}
        anonymous_id,
        user_id,
        event_at,
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        cast(null as {{ dbt.type_string() }}) as user_id,
        cast(null as {{ dbt.type_timestamp() }}) as event_at,
        {%- endif %}
        loaded_at,
        _dq_reason as quarantine_reason
    from {{ ref(model_name) }}
    where _dq_reason is not null
        {%- endset -%}
        {%- do selects.append(select_sql) -%}
    {%- endfor -%}
{%- endfor -%}
with

unioned as (
{{ selects | join('\n\n    union all\n') }}

)

select * from unioned
{%- endmacro %}
