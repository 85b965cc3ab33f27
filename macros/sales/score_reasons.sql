{#- The top reasons of a score as one readable text, e.g. `Demo request +25; Pricing page +16; Title and
    role +15`: the `count` largest contributions (ties: label), points rounded to whole numbers.
    reasons: relation or CTE with columns entity_id, reason_label, reason_points (one row per
    contribution; rows with no points should be left out). Returns one row per entity_id with
    top_reasons. concat_ws skips NULLs on DuckDB and Spark alike. -#}
{% macro score_top_reasons(reasons, count=none) -%}
    {%- set reason_count = (count or var('gtm__sales_reason_count')) | int -%}
    with

    reasons_ranked as (

        select
            entity_id,
            {{ dbt.concat(['reason_label', "' +'", 'cast(cast(round(reason_points, 0) as bigint) as ' ~ dbt.type_string() ~ ')']) }}
                as reason_text,
            row_number() over (partition by entity_id order by reason_points desc, reason_label) as reason_rank
        from {{ reasons }}

    )

    select
        entity_id,
        concat_ws(
            '; '
            {%- for rank in range(1, reason_count + 1) %},
            max(case when reason_rank = {{ rank }} then reason_text end)
            {%- endfor %}
        ) as top_reasons
    from reasons_ranked
    group by entity_id
{%- endmacro %}
