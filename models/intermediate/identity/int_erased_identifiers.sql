{#- One row per deletion request and identifier it erases: every identifier of the person the request
    resolves to through the identity graph (built here over every record, before erasure), and the
    requested identifier itself (so that a late load of it is erased too, even after scripts/purge_raw.py
    removed everything it was linked to). Identifiers are kept as hashes only (dbt.hash of the value):
    this list must not itself keep the data it erases.
    Requests apply when their status is in var gtm__erasure_request_statuses; a request whose identifier
    is unusable never reaches staging (stg_quarantine__rows, missing_identifier) and erases nobody. -#}
{%- set string = dbt.type_string() -%}
{#- Spark recomputes a CTE at every reference: the pre-erasure graph inline (edges read ~100 times through
    the unrolled steps) took minutes on 20k events, and cached temp views ran the 2 GB driver out of heap.
    There the edges and the filtered edges go to two scratch tables first (as the kept graph's models are
    tables) and both are dropped when the model is built, so no table of the warehouse keeps the
    identifiers of erased people after the build; DuckDB keeps the CTE chain in one query. -#}
{%- set spark_scratch = target.type == 'spark' and var('using_privacy') -%}
{%- set unioned_scratch = this.schema ~ '.' ~ this.identifier ~ '__scratch_edges_unioned' -%}
{%- set filtered_scratch = this.schema ~ '.' ~ this.identifier ~ '__scratch_edges_filtered' -%}
{%- set scratch_drops = gtm_warehouse.erasure_spark_scratch_drop([unioned_scratch, filtered_scratch]) -%}
{#- The post-hooks are rendered when they run: at parse time `this` does not yet carry the model's schema. -#}
{%- set scratch_post_hooks = [
    'drop table if exists {{ this.schema }}.{{ this.identifier }}__scratch_edges_unioned',
    'drop table if exists {{ this.schema }}.{{ this.identifier }}__scratch_edges_filtered',
] -%}
{{ config(post_hook=(scratch_post_hooks if spark_scratch else [])) }}

{% if spark_scratch %}
    {%- set unioned_sql -%}
        with
        {{ gtm_warehouse.identity_edge_ctes('all_') }}
        scratch as (select * from all_edges_unioned)
        select * from scratch
    {%- endset -%}
    {%- set filtered_sql -%}
        with
        {{ gtm_warehouse.identity_filter_ctes('all_', unioned_scratch) }}
        scratch as (select * from all_edges_filtered)
        select * from scratch
    {%- endset -%}
    {%- if execute -%}
        {%- for statement in scratch_drops -%}
            {%- do run_query(statement) -%}
        {%- endfor -%}
        {%- do run_query('create table ' ~ unioned_scratch ~ ' using parquet as ' ~ unioned_sql) -%}
        {%- do run_query('create table ' ~ filtered_scratch ~ ' using parquet as ' ~ filtered_sql) -%}
    {%- endif -%}
{% endif %}

{% if var('using_privacy') %}
    with

    requests as (

        select
            deletion_request_id,
            user_id,
            email,
            anonymous_id
        from {{ ref('stg_privacy__deletion_requests') }}
        where request_status in ({{ gtm_warehouse.sql_string_list(var('gtm__erasure_request_statuses')) }})

    ),

    requested_identifiers as (

        select
            deletion_request_id,
            'user_id' as identifier_type,
            user_id as identifier_value
        from requests
        where user_id is not null
        union all
        select
            deletion_request_id,
            'email' as identifier_type,
            email as identifier_value
        from requests
        where email is not null
        union all
        select
            deletion_request_id,
            'anonymous_id' as identifier_type,
            anonymous_id as identifier_value
        from requests
        where anonymous_id is not null

    ),
    {%- if spark_scratch %}
        {{ gtm_warehouse.identity_stitch_ctes('all_', filtered_scratch) }}
    {%- else %}
        {{ gtm_warehouse.identity_edge_ctes('all_') }}
        {{ gtm_warehouse.identity_filter_ctes('all_', 'all_edges_unioned') }}
        {{ gtm_warehouse.identity_stitch_ctes('all_', 'all_edges_filtered') }}
    {%- endif %}

    requested_people as (

        select
            requested_identifiers.deletion_request_id,
            requested_identifiers.identifier_type,
            requested_identifiers.identifier_value,
            stitched.person_id
        from requested_identifiers
        left join all_identities_stitched as stitched
            on
                requested_identifiers.identifier_type = stitched.identifier_type
                and requested_identifiers.identifier_value = stitched.identifier_value

    ),

    erased as (

        select
            requested_people.deletion_request_id,
            stitched.identifier_type,
            stitched.identifier_value
        from requested_people
        inner join all_identities_stitched as stitched on requested_people.person_id = stitched.person_id
        union
        select
            deletion_request_id,
            identifier_type,
            identifier_value
        from requested_people

    ),

    final as (

        select
            deletion_request_id,
            identifier_type,
            {{ dbt.hash('identifier_value') }} as identifier_hash
        from erased

    )

    select * from final
{% else %}
    -- without the privacy source nobody is erased: the empty shape downstream models read
    select
        cast(null as {{ string }}) as deletion_request_id,
        cast(null as {{ string }}) as identifier_type,
        cast(null as {{ string }}) as identifier_hash
    where false
{% endif %}
