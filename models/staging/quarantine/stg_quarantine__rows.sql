{#- Every raw row that staging could not use, from every enabled source, with the reason.
    Each base model is listed once; disabled sources (using_* vars) drop out. -#}
{%- set sources = [
    {'name': 'segment', 'enabled': true, 'event_rows': true, 'tables': [
        'pages', 'tracks', 'identifies', 'groups',
        'signed_up', 'workspace_created', 'source_added', 'destination_added', 'teammate_invited',
        'feature_used', 'content_downloaded', 'webinar_registered', 'demo_requested', 'ticket_created',
        'nps_survey_responded', 'consent_preference_updated', 'email_delivered', 'email_opened',
        'email_link_clicked',
    ]},
] -%}

with

{% for src in sources if src.enabled %}
{%- for table in src.tables %}
quarantined_{{ src.name }}__{{ table }} as (

    select
        '{{ src.name }}' as source_name,
        '{{ table }}' as source_table,
        _dq_key as record_key,
        {%- if src.event_rows %}
        anonymous_id,
        user_id,
        event_at,
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as anonymous_id,
        cast(null as {{ dbt.type_string() }}) as user_id,
        cast(null as {{ dbt.type_timestamp() }}) as event_at,
        {%- endif %}
        loaded_at,
        _dq_reason as quarantine_reason
    from {{ ref('base_' ~ src.name ~ '__' ~ table) }}
    where _dq_reason is not null

),

{% endfor %}
{%- endfor %}
unioned as (

    {% for src in sources if src.enabled %}
    {%- for table in src.tables %}
    select * from quarantined_{{ src.name }}__{{ table }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

)

select * from unioned
