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


{#- Spark only: the statements (a list: Spark runs one at a time) that drop the scratch tables in which
    int_erased_identifiers builds its pre-erasure edges. -#}
{% macro erasure_spark_scratch_drop(tables) -%}
    {%- set statements = [] -%}
    {%- for table in tables -%}
        {%- do statements.append('drop table if exists ' ~ table) -%}
    {%- endfor -%}
    {{ return(statements) }}
{%- endmacro %}
