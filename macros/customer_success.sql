{#- Customer-success helpers (issue 12): the reference time and percentages (the audience macros are in
    macros/audiences/audience_membership.sql). Engine-specific ones: macros/cross_db/customer_success.sql. -#}

{#- Body of a one-row CTE `as_of_at`: the reference time ("now") of the customer-success marts.
    var gtm__cs_as_of when set, else the latest Segment `received_at` in staging (tracks and pages), so
    a build is reproducible from its data and the same on every engine. -#}
{% macro cs_reference_time() -%}
    {%- if var('gtm__cs_as_of', none) -%}
    select cast('{{ var("gtm__cs_as_of") }}' as {{ dbt.type_timestamp() }}) as as_of_at
    {%- else -%}
    select max(received_at) as as_of_at
    from (
        select received_at from {{ ref('stg_segment__tracks') }}
        union all
        select received_at from {{ ref('stg_segment__pages') }}
    ) as segment_calls
    {%- endif -%}
{%- endmacro %}


{#- A percentage rounded to 0.1 as a double on every engine (DuckDB and Spark type decimal arithmetic
    differently); NULL when the denominator is 0 or NULL. -#}
{% macro percentage(numerator, denominator) -%}
    case
        when {{ denominator }} > 0
            then round(100 * cast({{ numerator }} as double) / {{ denominator }}, 1)
    end
{%- endmacro %}
