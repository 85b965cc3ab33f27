{#- Every raw row that staging could not use, from every enabled source, with the reason.
    Each base model is listed once; disabled sources (using_* vars) drop out. `source_table` is the raw
    table name: the source's `raw_prefix` (none for Segment) then the base model's entity name. -#}
{%- set sources = [
    {'name': 'segment', 'enabled': true, 'event_rows': true, 'tables': [
        'pages', 'tracks', 'identifies', 'groups',
        'signed_up', 'workspace_created', 'source_added', 'destination_added', 'teammate_invited',
        'feature_used', 'content_downloaded', 'webinar_registered', 'demo_requested', 'ticket_created',
        'nps_survey_responded', 'consent_preference_updated', 'email_delivered', 'email_opened',
        'email_link_clicked',
    ]},
    {
        'name': 'crm',
        'enabled': var('using_crm'),
        'event_rows': false,
        'raw_prefix': 'crm_',
        'tables': [
            'accounts', 'contacts', 'leads', 'opportunities', 'campaigns', 'campaign_members',
        ],
    },
    {
        'name': 'product',
        'enabled': var('using_product_db'),
        'event_rows': false,
        'raw_prefix': 'app_',
        'tables': [
            'users', 'workspaces', 'workspace_users', 'subscriptions', 'sources', 'destinations',
            'api_usage_daily',
        ],
    },
    {
        'name': 'support',
        'enabled': var('using_support'),
        'event_rows': false,
        'raw_prefix': 'support_',
        'tables': [
            'tickets', 'ticket_comments', 'users', 'organizations',
        ],
    },
    {
        'name': 'ads',
        'enabled': var('using_ads'),
        'event_rows': false,
        'raw_prefix': 'ads_',
        'tables': [
            'google_campaign_daily', 'facebook_campaign_daily', 'linkedin_campaign_daily',
        ],
    },
    {
        'name': 'surveys',
        'enabled': var('using_surveys'),
        'event_rows': false,
        'raw_prefix': 'survey_',
        'tables': [
            'responses',
        ],
    },
    {
        'name': 'privacy',
        'enabled': var('using_privacy'),
        'event_rows': false,
        'raw_prefix': 'privacy_',
        'tables': [
            'deletion_requests',
        ],
    },
] -%}

with

{% for src in sources if src.enabled %}
{%- for table in src.tables %}
quarantined_{{ src.name }}__{{ table }} as (

    select
        '{{ src.name }}' as source_name,
        '{{ src.get('raw_prefix', '') ~ table }}' as source_table,
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
