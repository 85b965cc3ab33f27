{#- Pairs of identifiers seen together, one row per pair and evidence source.
    Segment calls link anonymous_id, user_id and email; forms link the visitor to the email typed in;
    the product database, CRM, support desk and survey tool link their own ids to emails and user ids. -#}
{%- set event_pairs = [
    ['stg_segment__identifies', 'anonymous_id', 'user_id'],
    ['stg_segment__identifies', 'anonymous_id', 'email'],
    ['stg_segment__identifies', 'user_id', 'email'],
    ['stg_segment__pages', 'anonymous_id', 'user_id'],
    ['stg_segment__tracks', 'anonymous_id', 'user_id'],
    ['stg_segment__groups', 'anonymous_id', 'user_id'],
    ['stg_segment__signed_up', 'anonymous_id', 'email'],
    ['stg_segment__signed_up', 'user_id', 'email'],
    ['stg_segment__demo_requested', 'anonymous_id', 'email'],
    ['stg_segment__demo_requested', 'user_id', 'email'],
    ['stg_segment__content_downloaded', 'anonymous_id', 'email'],
    ['stg_segment__content_downloaded', 'user_id', 'email'],
    ['stg_segment__webinar_registered', 'anonymous_id', 'email'],
    ['stg_segment__webinar_registered', 'user_id', 'email'],
] -%}
{#- Records of the other sources: [model, enabled, left type, left column, right type, right column, seen at] -#}
{%- set all_record_pairs = [
    ['stg_product__users', var('using_product_db'),
        'user_id', 'user_id', 'email', 'email', 'created_at'],
    ['stg_crm__leads', var('using_crm'),
        'crm_lead_id', 'lead_id', 'email', 'email', 'created_at'],
    ['stg_crm__leads', var('using_crm'),
        'crm_lead_id', 'lead_id', 'crm_contact_id', 'converted_contact_id', 'created_at'],
    ['stg_crm__contacts', var('using_crm'),
        'crm_contact_id', 'contact_id', 'email', 'email', 'created_at'],
    ['stg_support__users', var('using_support'),
        'support_user_id', 'support_user_id', 'email', 'email', 'created_at'],
    ['stg_support__users', var('using_support'),
        'support_user_id', 'support_user_id', 'user_id', 'product_user_id', 'created_at'],
    ['stg_surveys__responses', var('using_surveys'),
        'user_id', 'user_id', 'email', 'email', 'submitted_at'],
] -%}
{%- set record_pairs = [] -%}
{%- for model, enabled, left_type, left_column, right_type, right_column, seen_at in all_record_pairs if enabled -%}
    {%- do record_pairs.append([model, left_type, left_column, right_type, right_column, seen_at]) -%}
{%- endfor -%}

with

{%- set ctes = [] %}
{% for model, left, right in event_pairs %}
    {%- do ctes.append(model ~ '__' ~ left ~ '__' ~ right) %}
    {{ model }}__{{ left }}__{{ right }} as (

        select
            '{{ left }}' as left_type,
            {{ left }} as left_value,
            '{{ right }}' as right_type,
            {{ right }} as right_value,
            '{{ model }}' as evidence_source,
            min(event_at) as first_seen_at,
            max(event_at) as last_seen_at,
            count(*) as observations
        from {{ ref(model) }}
        where {{ left }} is not null and {{ right }} is not null
        group by {{ left }}, {{ right }}

    ),

{% endfor %}
{%- for model, left_type, left_column, right_type, right_column, seen_at in record_pairs %}
    {%- do ctes.append(model ~ '__' ~ left_type ~ '__' ~ right_type) %}
    {{ model }}__{{ left_type }}__{{ right_type }} as (

        select
            '{{ left_type }}' as left_type,
            cast({{ left_column }} as {{ dbt.type_string() }}) as left_value,
            '{{ right_type }}' as right_type,
            cast({{ right_column }} as {{ dbt.type_string() }}) as right_value,
            '{{ model }}' as evidence_source,
            min({{ seen_at }}) as first_seen_at,
            max({{ seen_at }}) as last_seen_at,
            count(*) as observations
        from {{ ref(model) }}
        where {{ left_column }} is not null and {{ right_column }} is not null
        group by {{ left_column }}, {{ right_column }}

    ),

{% endfor %}
unioned as (
    {%- for cte in ctes %}

        select * from {{ cte }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

)

select * from unioned
