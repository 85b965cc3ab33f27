{%- set group_columns -%}
    {{ gtm_warehouse.clean_identifier('group_id') }} as group_id,
    {{ gtm_warehouse.clean_text('name') }} as group_name,
    {{ gtm_warehouse.clean_text('industry') }} as industry,
    {{ gtm_warehouse.try_cast('employees', dbt.type_bigint()) }} as employees,
    lower({{ gtm_warehouse.blank_to_null('plan') }}) as plan_tier,
    {{ gtm_warehouse.clean_text('website') }} as website,
{%- endset -%}

{{ gtm_warehouse.segment_base(
    'groups',
    columns=group_columns,
    extra_reasons=[['group_id is null', 'missing_group_id']],
) }}
