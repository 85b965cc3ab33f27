{#- One row per CRM lead: the lead grade (probability of a qualified opportunity within the window),
    scored in SQL from the stored logistic regression (seed lead_grade_coefficients), its grade band
    (seed lead_grade_bands) and the three features that push it up the most. -#}
{{ config(enabled=var('using_crm', true)) }}

{%- set feature_columns = [] %}
{%- if execute %}
    {%- for column in adapter.get_columns_in_relation(ref('int_lead_grade_features')) %}
        {%- if column.name.lower().startswith('f_') %}
            {%- do feature_columns.append(column.name.lower()) %}
        {%- endif %}
    {%- endfor %}
{%- endif %}

with

features as (

    select
        lead_id,
        person_id,
        account_id,
        lead_created_at,
        has_person_match,
        title_role,
        behaviour_event_count,
        is_label_observed,
        {%- for column in feature_columns %}
            {{ column }},
        {%- endfor %}
        is_qualified_in_window
    from {{ ref('int_lead_grade_features') }}

),

coefficients as (

    select
        feature_name,
        feature_mean,
        feature_scale,
        coefficient
    from {{ ref('lead_grade_coefficients') }}

),

bands as (

    select
        grade,
        min_probability
    from {{ ref('lead_grade_bands') }}

),

model as (

    select
        model_version,
        trained_at
    from {{ ref('lead_grade_model') }}

),

-- One row per lead and model input (unpivot of the f_* columns).
feature_values as (

    {%- if not feature_columns %}
        -- compiled before int_lead_grade_features exists (a linter, `dbt compile` on an empty warehouse):
        -- no inputs to unpivot; a build always compiles this model after its inputs are built
        select
            lead_id,
            cast(null as {{ dbt.type_string() }}) as feature_name,
            cast(null as {{ dbt.type_float() }}) as feature_value
        from features
        where false
    {%- endif %}
    {%- for column in feature_columns %}
        select
            lead_id,
            '{{ column }}' as feature_name,
            {{ column }} as feature_value
        from features
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

),

-- Contribution of each input to the log-odds: coefficient x standardised value. A feature of the table
-- without a coefficient, or a coefficient without a feature, is counted (test: every input is scored).
contributions as (

    select
        feature_values.lead_id,
        feature_values.feature_name,
        coefficients.coefficient
        * (feature_values.feature_value - coefficients.feature_mean)
        / coefficients.feature_scale as contribution
    from feature_values
    inner join coefficients on feature_values.feature_name = coefficients.feature_name

),

intercept as (

    select coefficient
    from coefficients
    where feature_name = '(intercept)'

),

log_odds as (

    select
        contributions.lead_id,
        -- order-independent sum (exact_sum): the same probability on every engine and build
        intercept.coefficient + {{ gtm_warehouse.exact_sum('contributions.contribution', 13) }} as log_odds,
        count(*) as features_scored
    from contributions
    cross join intercept
    group by contributions.lead_id, intercept.coefficient

),

ranked_contributions as (

    select
        lead_id,
        feature_name,
        contribution,
        row_number() over (partition by lead_id order by contribution desc, feature_name asc) as contribution_rank
    from contributions

),

top_features as (

    select
        lead_id,
        max(case when contribution_rank = 1 then feature_name end) as top_feature_1,
        max(case when contribution_rank = 1 then contribution end) as top_feature_1_contribution,
        max(case when contribution_rank = 2 then feature_name end) as top_feature_2,
        max(case when contribution_rank = 2 then contribution end) as top_feature_2_contribution,
        max(case when contribution_rank = 3 then feature_name end) as top_feature_3,
        max(case when contribution_rank = 3 then contribution end) as top_feature_3_contribution
    from ranked_contributions
    where contribution_rank <= 3
    group by lead_id

),

probabilities as (

    select
        lead_id,
        log_odds,
        features_scored,
        1.0 / (1.0 + exp(-log_odds)) as probability
    from log_odds

),

-- Grade: the band with the highest lower bound the probability reaches.
graded as (

    select
        probabilities.lead_id,
        bands.grade,
        row_number() over (
            partition by probabilities.lead_id order by bands.min_probability desc, bands.grade asc
        ) as band_rank
    from probabilities
    inner join bands on probabilities.probability >= bands.min_probability

),

final as (

    select
        features.lead_id,
        features.person_id,
        features.account_id,
        features.lead_created_at,
        probabilities.probability,
        graded.grade,
        probabilities.log_odds,
        top_features.top_feature_1,
        top_features.top_feature_1_contribution,
        top_features.top_feature_2,
        top_features.top_feature_2_contribution,
        top_features.top_feature_3,
        top_features.top_feature_3_contribution,
        features.behaviour_event_count,
        features.title_role,
        features.has_person_match,
        probabilities.features_scored,
        features.is_label_observed,
        features.is_qualified_in_window,
        model.model_version,
        model.trained_at as model_trained_at
    from features
    cross join model
    left join probabilities on features.lead_id = probabilities.lead_id
    left join graded on features.lead_id = graded.lead_id and graded.band_rank = 1
    left join top_features on features.lead_id = top_features.lead_id

)

select * from final
