{#- Post-hook of an incremental model holding personal rows: deletes from {{ this }} every row whose
    identifier columns ([[type, column]...]) hold an erased identifier (int_erased_identifiers), so a
    deletion request that arrives after a row was built removes it on the next incremental run, not
    only on a full refresh. Empty on Spark, where these models are rebuilt in full (and erased rows are
    never selected). The model must read int_erased_identifiers itself (or say `-- depends_on:`). -#}
{% macro erase_rows_hook(columns) -%}
    {%- if target.type != 'spark' -%}
        delete from {{ this }}
        where not ({{ gtm_warehouse.not_erased(columns, ref('int_erased_identifiers')) }})
    {%- endif -%}
{%- endmacro %}


{#- Spark only: the statements that drop the session temp views int_erased_identifiers caches its
    pre-erasure graph in (a list: Spark runs one statement at a time). -#}
{% macro erasure_spark_cache_drop(views) -%}
    {%- set statements = [] -%}
    {%- for view in views -%}
        {%- do statements.append('uncache table if exists ' ~ view) -%}
        {%- do statements.append('drop view if exists ' ~ view) -%}
    {%- endfor -%}
    {{ return(statements) }}
{%- endmacro %}
