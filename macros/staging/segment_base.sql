{#-
    Body of a `base_segment__<table>` model: every raw row of one Segment table, cleaned and flagged.

    * one output row per raw row (nothing dropped here): `_dq_reason` says why a row cannot be used
      (NULL when it can), `_dq_copy_number` numbers the usable copies of one message id (1 is kept),
      `_dq_duplicates_removed` on the kept copy counts the others;
    * Segment's timestamp rule: `timestamp`, or when it is missing
      `received_at - (sent_at - original_timestamp)`; every timestamp column is parsed with
      try_cast_timestamp, so TIMESTAMPTZ, naive TIMESTAMP (= UTC) and ISO-8601 text give the same values;
    * placeholder ids nulled (var gtm__blocked_identifier_values), urls parsed into path, host,
      UTM parameters (context columns first, the page URL's query string when they are empty) and
      click ids;
    * incremental: a run reprocesses every raw row of each message id that has a row loaded
      (uuid_ts) within var gtm__lookback_hours of the newest row already built, so late and
      duplicate deliveries are deduplicated exactly as a full refresh would. Which raw rows that
      takes is engine-specific (segment_incremental_scope): DuckDB replaces those message ids
      (delete+insert on _dq_key); Spark/parquet cannot delete rows, so it rebuilds every raw row of
      each touched `_dq_bucket` (a hash bucket of _dq_key holding all copies of a message id) and
      overwrites those partitions (insert_overwrite, partition_by _dq_bucket).

    Arguments: source_table (raw table name), columns (SQL select-list of table-specific columns over
    the raw row, each ending in a comma), extra_reasons (list of [condition, reason] pairs checked
    after the standard ones), web_context (parse page/campaign context), own_page_columns (pages:
    prefer the table's own url/path/referrer/title/search columns over context_page_*).
-#}
{% macro segment_base(source_table, columns='', extra_reasons=[], web_context=true, own_page_columns=false) -%}
{%- set record_key -%}
    coalesce(
        nullif(trim(id), ''),
        {#- uuid_ts parsed first: the key is the same whether the column is a timestamp (with or without
            time zone) or text -#}
        {{ dbt.concat(["'no-id:'", "coalesce(cast(" ~ gtm_warehouse.try_cast_timestamp('uuid_ts') ~ " as " ~ dbt.type_string() ~ "), '')"]) }}
    )
{%- endset -%}
{%- set tolerance = var('gtm__future_timestamp_tolerance_minutes') -%}
{%- set page_url = "coalesce(" ~ gtm_warehouse.blank_to_null('url') ~ ", " ~ gtm_warehouse.blank_to_null('context_page_url') ~ ")" if own_page_columns else gtm_warehouse.blank_to_null('context_page_url') -%}
{%- set referrer = "coalesce(" ~ gtm_warehouse.blank_to_null('referrer') ~ ", context_page_referrer)" if own_page_columns else "context_page_referrer" -%}

with

source as (

    select * from {{ source('segment', source_table) }}

),

{% if is_incremental() %}
reprocess_window as (

    select
        {{ dbt.dateadd('hour', -1 * var('gtm__lookback_hours'),
            "coalesce(max(loaded_at), cast('1900-01-01' as " ~ dbt.type_timestamp() ~ "))") }} as reprocess_from
    from {{ this }}

),

keys_in_window as (

    -- reads the raw table itself, not the `source` CTE: a CTE read twice is materialized whole
    select distinct {{ record_key }} as record_key
    from {{ source('segment', source_table) }}
    where
        uuid_ts is null
        or {{ gtm_warehouse.try_cast_timestamp('uuid_ts') }} >= (select reprocess_from from reprocess_window)

),
{% endif %}

scoped as (

    select
        source.*,
        {%- if web_context %}
        {{ page_url }} as _page_url_raw,
        {{ referrer }} as _referrer_raw,
        {%- endif %}
        {{ record_key }} as _dq_key
    from source
    {% if is_incremental() %}
        where {{ gtm_warehouse.segment_incremental_scope(record_key, 'keys_in_window') }}
    {% endif %}

),
{%- if web_context %}

-- Each distinct page URL is parsed once (path, query string, UTM parameters, click ids), not once per
-- event: a site has far fewer URLs than page views. Read from the raw table with the same scope, not
-- from `scoped`: a CTE read twice is materialized whole.
distinct_page_urls as (

    select distinct {{ page_url }} as _page_url_raw
    from {{ source('segment', source_table) }}
    where
        {{ page_url }} is not null
        {%- if is_incremental() %}
        and {{ gtm_warehouse.segment_incremental_scope(record_key, 'keys_in_window') }}
        {%- endif %}

),

page_url_queries as (

    select
        _page_url_raw,
        {{ gtm_warehouse.url_path('_page_url_raw') }} as _url_path,
        -- the query string, cut out once: every UTM parameter and click id is looked up in it
        {{ gtm_warehouse.regexp_extract_group('_page_url_raw', '[?]([^#]*)') }} as _page_query
    from distinct_page_urls

),

page_urls_parsed as (

    select
        _page_url_raw,
        _url_path,
        {%- for field in ['source', 'medium', 'campaign', 'term', 'content'] %}
        {{ gtm_warehouse.get_query_parameter('_page_query', 'utm_' ~ field) }} as _query_utm_{{ field }},
        {%- endfor %}
        {%- for click_id in ['gclid', 'fbclid', 'li_fat_id', 'msclkid'] %}
        {{ gtm_warehouse.get_query_parameter('_page_query', click_id) }} as _query_{{ click_id }}{{ ',' if not loop.last }}
        {%- endfor %}
    from page_url_queries

),

-- each distinct referrer's host, parsed once
referrer_hosts as (

    select
        _referrer_raw,
        {{ gtm_warehouse.url_host('_referrer_raw') }} as _referrer_host
    from (
        select distinct {{ referrer }} as _referrer_raw
        from {{ source('segment', source_table) }}
        where
            {{ referrer }} is not null
            {%- if is_incremental() %}
            and {{ gtm_warehouse.segment_incremental_scope(record_key, 'keys_in_window') }}
            {%- endif %}
    ) as distinct_referrers

),
{%- endif %}

cleaned as (

    select
        _dq_key,
        {{ gtm_warehouse.blank_to_null('id') }} as message_id,
        {{ gtm_warehouse.clean_identifier('anonymous_id') }} as anonymous_id,
        {{ gtm_warehouse.clean_identifier('user_id') }} as user_id,
        {{ columns }}
        {%- if web_context %}
        {{ gtm_warehouse.blank_to_null('context_ip') }} as ip,
        {{ gtm_warehouse.clean_text('context_user_agent') }} as user_agent,
        {{ gtm_warehouse.blank_to_null('context_library_name') }} as library_name,
        {{ gtm_warehouse.blank_to_null('context_library_version') }} as library_version,
        {{ gtm_warehouse.clean_text(page_url) }} as page_url,
        {%- for field in ['path', 'referrer', 'title', 'search'] %}
        {%- set value = "coalesce(" ~ gtm_warehouse.blank_to_null(field) ~ ", context_page_" ~ field ~ ")" if own_page_columns else "context_page_" ~ field %}
        {%- if field == 'path' %}
        coalesce({{ gtm_warehouse.clean_text(value) }}, page_urls_parsed._url_path) as page_path,
        {%- else %}
        {{ gtm_warehouse.clean_text(value) }} as page_{{ field }},
        {%- endif %}
        {%- endfor %}
        {%- for field in ['source', 'medium', 'campaign', 'term', 'content'] %}
        lower(coalesce(
            {{ gtm_warehouse.blank_to_null('context_campaign_' ~ ('name' if field == 'campaign' else field)) }},
            page_urls_parsed._query_utm_{{ field }}
        )) as utm_{{ field }},
        {%- endfor %}
        referrer_hosts._referrer_host as referrer_host,
        {%- for click_id in ['gclid', 'fbclid', 'li_fat_id', 'msclkid'] %}
        page_urls_parsed._query_{{ click_id }} as {{ click_id }},
        {%- endfor %}
        {%- endif %}
        {{ gtm_warehouse.try_cast_timestamp(adapter.quote('timestamp')) }} as client_timestamp,
        {{ gtm_warehouse.try_cast_timestamp('original_timestamp') }} as device_event_at,
        {{ gtm_warehouse.try_cast_timestamp('sent_at') }} as sent_at,
        {{ gtm_warehouse.try_cast_timestamp('received_at') }} as received_at,
        {{ gtm_warehouse.try_cast_timestamp('uuid_ts') }} as loaded_at
    from scoped
    {%- if web_context %}
    left join page_urls_parsed on scoped._page_url_raw = page_urls_parsed._page_url_raw
    left join referrer_hosts on scoped._referrer_raw = referrer_hosts._referrer_raw
    {%- endif %}

),

timed as (

    select
        *,
        coalesce(client_timestamp, received_at - (sent_at - device_event_at)) as event_at,
        client_timestamp is null as is_event_at_derived
    from cleaned

),

flagged as (

    select
        *,
        case
            when message_id is null then 'missing_message_id'
            when anonymous_id is null and user_id is null then 'missing_identity'
            when received_at is null or event_at is null then 'unparseable_timestamp'
            when event_at > {{ dbt.dateadd('minute', tolerance, 'received_at') }} then 'timestamp_in_future'
            when event_at < cast('{{ var("gtm__min_valid_timestamp") }}' as {{ dbt.type_timestamp() }})
                then 'timestamp_too_old'
            {%- for condition, reason in extra_reasons %}
            when {{ condition }} then '{{ reason }}'
            {%- endfor %}
        end as _dq_reason
    from timed

),

numbered as (

    select
        *,
        row_number() over (
            partition by message_id, _dq_reason is null
            order by received_at, loaded_at, sent_at, device_event_at
        ) as _dq_row_number,
        count(*) over (partition by message_id, _dq_reason is null) as _dq_copies
    from flagged

),

final as (

    select
        *,
        case when _dq_reason is null then _dq_row_number end as _dq_copy_number,
        case when _dq_reason is null and _dq_row_number = 1 then _dq_copies - 1 else 0 end
            as _dq_duplicates_removed,
        {{ gtm_warehouse.key_bucket('_dq_key') }} as _dq_bucket
    from numbered

)

select * from final
{%- endmacro %}
