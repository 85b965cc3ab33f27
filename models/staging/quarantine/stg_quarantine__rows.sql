{#- Every raw row that staging could not use, from every enabled source, with its reason.
    Add a source here when you add its base models; disabled sources (using_* vars) drop out.
    Customer success (issue 12) added email_bounced, email_unsubscribed and feature_launches. -#}
{%- set sources = [
    {
        'name': 'segment',
        'enabled': true,
        'event_rows': true,
        'tables': [
            'pages', 'tracks', 'identifies', 'groups',
            'signed_up', 'workspace_created', 'source_added', 'destination_added', 'teammate_invited',
            'feature_used', 'content_downloaded', 'webinar_registered', 'demo_requested', 'ticket_created',
            'nps_survey_responded', 'consent_preference_updated', 'email_delivered', 'email_opened',
            'email_link_clicked',
            'email_bounced', 'email_unsubscribed',
        ],
    },
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
            'feature_launches',
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

{{ gtm_warehouse.quarantine_union(sources) }}
