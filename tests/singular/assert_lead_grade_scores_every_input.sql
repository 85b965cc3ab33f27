{{ config(enabled=var('using_crm', true)) }}
-- depends_on: {{ ref('int_lead_grade_features') }}
{#- Every model input (f_* column of int_lead_grade_features) has a coefficient and every coefficient an
    input, and every lead is scored on all of them: a renamed or new input can never be dropped silently. -#}
{%- set feature_columns = [] %}
{%- if execute %}
    {%- for column in adapter.get_columns_in_relation(ref('int_lead_grade_features')) %}
        {%- if column.name.lower().startswith('f_') %}
            {%- do feature_columns.append(column.name.lower()) %}
        {%- endif %}
    {%- endfor %}
{%- endif %}

with

coefficients as (

    select feature_name
    from {{ ref('lead_grade_coefficients') }}
    where feature_name != '(intercept)'

),

inputs as (

    {%- if not feature_columns %}
        -- compiled before int_lead_grade_features exists (a linter): no inputs known
        select cast(null as {{ dbt.type_string() }}) as feature_name
        where false
    {%- endif %}
    {%- for column in feature_columns %}
        select '{{ column }}' as feature_name
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

unmatched as (

    select
        coalesce(coefficients.feature_name, inputs.feature_name) as problem_key,
        case
            when coefficients.feature_name is null then 'input without coefficient'
            else 'coefficient without input'
        end as problem
    from coefficients
    full outer join inputs on coefficients.feature_name = inputs.feature_name
    where coefficients.feature_name is null or inputs.feature_name is null

),

unscored as (

    select
        lead_grades.lead_id as problem_key,
        'lead not scored on every input' as problem
    from {{ ref('fct_lead_grades') }} as lead_grades
    where coalesce(lead_grades.features_scored, 0) != (select count(*) from coefficients)

)

select * from unmatched
union all
select * from unscored
