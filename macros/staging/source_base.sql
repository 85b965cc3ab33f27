{#-
    Body of a `base_<source>__<table>` model for a non-Segment source: every raw row, cleaned and
    flagged, nothing dropped.

    * `_dq_key`: the record's primary key (the `key` expression over the cleaned columns);
    * `_dq_reason`: 'missing_primary_key' when the key is NULL, then each [condition, reason] of
      extra_reasons in order; NULL when the row can be used;
    * several raw rows with one key (re-synced or re-exported records) are numbered by
      `latest_first` (the newest version is copy 1 and is kept); `_dq_duplicates_removed` on the
      kept copy counts the others.

    Arguments: source_name, table_name, columns (select-list over the raw row; every item ends in a
    comma), key (SQL expression over the cleaned columns), latest_first (order by over the cleaned
    columns, newest first), extra_reasons.
-#}
{% macro source_base(source_name, table_name, columns, key='id', latest_first='loaded_at desc', extra_reasons=[]) -%}
with

source as (

    select * from {{ source(source_name, table_name) }}

),

cleaned as (

    select
        {{ columns }}
        {{ gtm_warehouse.try_cast_timestamp('_loaded_at') }} as loaded_at
    from source

),

flagged as (

    select
        *,
        {{ key }} as _dq_key,
        case
            when {{ key }} is null then 'missing_primary_key'
            {%- for condition, reason in extra_reasons %}
            when {{ condition }} then '{{ reason }}'
            {%- endfor %}
        end as _dq_reason
    from cleaned

),

numbered as (

    select
        *,
        row_number() over (partition by _dq_key, _dq_reason is null order by {{ latest_first }}) as _dq_row_number,
        count(*) over (partition by _dq_key, _dq_reason is null) as _dq_copies
    from flagged

),

final as (

    select
        *,
        case when _dq_reason is null then _dq_row_number end as _dq_copy_number,
        case when _dq_reason is null and _dq_row_number = 1 then _dq_copies - 1 else 0 end
            as _dq_duplicates_removed
    from numbered

)

select * from final
{%- endmacro %}
