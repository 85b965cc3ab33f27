{%- set page_columns -%}
    {{ gtm_warehouse.clean_text('name') }} as page_name,
{%- endset -%}

{{ gtm_warehouse.segment_base(
    'pages',
    columns=page_columns,
    own_page_columns=true,
) }}
