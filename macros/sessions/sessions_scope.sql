{#- Incremental scope of the session models: on an incremental run, a `where` clause keeping every
    event of each anonymous_id that has an event loaded within var gtm__lookback_hours of the newest
    row already built (`this_loaded_at` in {{ this }}); nothing on a full refresh. All of a device's
    sessions are then recomputed from all of its events and replace its old rows (delete+insert on
    anonymous_id), so a late event can merge or split sessions anywhere in the device's history and the
    result equals a full refresh. The affected anonymous_ids are computed first (a semi-join), so the
    filter stays a prunable `in` list.

    Arguments: events (the CTE or relation read, with anonymous_id and loaded_at), this_loaded_at (the
    load-time column of the model being built), relation (scanned for the recently loaded devices;
    pass the upstream relation when `events` is a CTE: DuckDB materializes a CTE that is read twice,
    every wide row of it). -#}
{% macro sessions_scope(events, this_loaded_at='loaded_at', relation=none) -%}
{%- if is_incremental() %}
    where {{ events }}.anonymous_id in (
        select recently_loaded.anonymous_id
        from {{ relation if relation is not none else events }} as recently_loaded
        where recently_loaded.loaded_at >= (
            select
                {{ dbt.dateadd('hour', -1 * var('gtm__lookback_hours'),
                    "coalesce(max(built." ~ this_loaded_at ~ "), cast('1900-01-01' as " ~ dbt.type_timestamp() ~ "))") }}
            from {{ this }} as built
        )
    )
{%- endif %}
{%- endmacro %}
