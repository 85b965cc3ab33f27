{%- set track_columns -%}
    {{ gtm_warehouse.blank_to_null('event') }} as event,
    {{ gtm_warehouse.clean_text('event_text') }} as event_text,
{%- endset -%}

{{ gtm_warehouse.segment_base(
    'tracks',
    columns=track_columns,
    extra_reasons=[['event is null', 'missing_event_name']],
) }}
