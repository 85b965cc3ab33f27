{%- set property_columns -%}
    {{ gtm_warehouse.try_cast('consent_analytics', dbt.type_boolean()) }} as consent_analytics,
    {{ gtm_warehouse.try_cast('consent_advertising', dbt.type_boolean()) }} as consent_advertising,
    {{ gtm_warehouse.try_cast('consent_functional', dbt.type_boolean()) }} as consent_functional,
    lower({{ gtm_warehouse.blank_to_null('consent_source') }}) as consent_source,
{%- endset -%}

{{ gtm_warehouse.segment_base(
    'consent_preference_updated',
    columns=property_columns,
    web_context=false,
) }}
