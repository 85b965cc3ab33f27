{#- One row per scored person (a known person with a behaviour signal, or the person of a lead): the
    static parts of the signal threshold score. Firmographic fit (company size, industry) and title fit
    come from seed sales_score_fit_rules: per attribute the best matching rule counts, the attributes of
    a component add up, and the component is capped by seed sales_score_components. The person's account
    and title win; the person's primary lead fills what they lack (a lead with no events still has a fit).
    Firmographics have no history in the sources, so fit is the same on every day of the score history. -#}
with

signals as (

    select distinct person_id from {{ ref('int_person_signals_aggregated') }}

),

leads as (

    select
        person_id,
        account_id,
        number_of_employees,
        industry,
        job_title
    from {{ ref('int_leads_resolved') }}
    where is_primary_lead

),

people as (

    select
        person_id,
        account_id,
        job_title
    from {{ ref('dim_people') }}

),

accounts as (

    select
        account_id,
        employees,
        industry
    from {{ ref('dim_accounts') }}

),

fit_rules as (

    select
        rule_key,
        component,
        attribute_name,
        value_pattern,
        min_value,
        max_value,
        points
    from {{ ref('sales_score_fit_rules') }}

),

components as (

    select
        component,
        max_points
    from {{ ref('sales_score_components') }}

),

scored_people as (

    select person_id from signals
    union
    select person_id from leads

),

attributes as (

    select
        scored_people.person_id,
        coalesce(people.account_id, leads.account_id) as account_id,
        coalesce(accounts.employees, leads.number_of_employees) as employees,
        lower(trim(coalesce(accounts.industry, leads.industry))) as industry,
        lower(trim(coalesce(people.job_title, leads.job_title))) as job_title
    from scored_people
    left join people
        on scored_people.person_id = people.person_id
    left join leads
        on scored_people.person_id = leads.person_id
    left join accounts
        on coalesce(people.account_id, leads.account_id) = accounts.account_id

),

attribute_values as (

    select
        person_id,
        'employees' as attribute_name,
        cast(null as {{ dbt.type_string() }}) as text_value,
        employees as numeric_value
    from attributes
    where employees is not null
    union all
    select
        person_id,
        'industry' as attribute_name,
        industry as text_value,
        cast(null as bigint) as numeric_value
    from attributes
    where industry is not null and industry <> ''
    union all
    select
        person_id,
        'job_title' as attribute_name,
        job_title as text_value,
        cast(null as bigint) as numeric_value
    from attributes
    where job_title is not null and job_title <> ''

),

rule_matches as (

    select
        attribute_values.person_id,
        fit_rules.component,
        fit_rules.attribute_name,
        fit_rules.rule_key,
        fit_rules.points,
        row_number() over (
            partition by attribute_values.person_id, fit_rules.attribute_name
            order by fit_rules.points desc, fit_rules.rule_key asc
        ) as rule_rank
    from attribute_values
    inner join fit_rules
        on attribute_values.attribute_name = fit_rules.attribute_name
    where
        (
            fit_rules.value_pattern is null
            or {{ gtm_warehouse.regexp_matches_expression('attribute_values.text_value', 'fit_rules.value_pattern') }}
        )
        and (fit_rules.min_value is null or attribute_values.numeric_value >= fit_rules.min_value)
        and (fit_rules.max_value is null or attribute_values.numeric_value <= fit_rules.max_value)

),

component_points as (

    select
        rule_matches.person_id,
        rule_matches.component,
        least(sum(rule_matches.points), max(components.max_points)) as component_points
    from rule_matches
    inner join components
        on rule_matches.component = components.component
    where rule_matches.rule_rank = 1
    group by rule_matches.person_id, rule_matches.component

),

scored as (

    select
        attributes.person_id,
        attributes.account_id,
        attributes.employees,
        attributes.industry,
        attributes.job_title,
        cast(coalesce(firmographic.component_points, 0) as double) as firmographic_fit_score,
        cast(coalesce(title.component_points, 0) as double) as title_fit_score
    from attributes
    left join component_points as firmographic
        on attributes.person_id = firmographic.person_id and firmographic.component = 'firmographic_fit'
    left join component_points as title
        on attributes.person_id = title.person_id and title.component = 'title_fit'

)

select * from scored
