{#- Hash bucket of a key: the first hex digit of its md5 (16 buckets), identical on every engine.
    All rows of one key share a bucket, so a bucket can be rebuilt on its own. -#}
{% macro key_bucket(expression) -%}
    left({{ dbt.hash(expression) }}, 1)
{%- endmacro %}


{#- Where-condition over raw Segment rows (whose record key is the SQL expression `record_key`)
    selecting what an incremental run of a Segment base model rebuilds, given a relation/CTE
    `keys_relation` with a `record_key` column listing the keys loaded within the lookback. -#}
{% macro segment_incremental_scope(record_key, keys_relation) -%}
    {{ return(adapter.dispatch('segment_incremental_scope', 'gtm_warehouse')(record_key, keys_relation)) }}
{%- endmacro %}

{#- delete+insert on _dq_key: exactly the rows of the keys in the window. -#}
{% macro default__segment_incremental_scope(record_key, keys_relation) -%}
    {{ record_key }} in (select record_key from {{ keys_relation }})
{%- endmacro %}

{#- insert_overwrite by _dq_bucket: every row of each bucket holding a key in the window, because a
    partition is replaced as a whole. -#}
{% macro spark__segment_incremental_scope(record_key, keys_relation) -%}
    {{ gtm_warehouse.key_bucket(record_key) }} in (
        select distinct {{ gtm_warehouse.key_bucket('record_key') }} from {{ keys_relation }}
    )
{%- endmacro %}
