{#- Entries into and exits from the feature adoption audiences, one row per change, from
    fct_feature_adoption_audience_history (shared audience pattern, macro audience_changes). -#}
{{ config(enabled=var('using_product_db')) }}

{{ gtm_warehouse.audience_changes(ref('fct_feature_adoption_audience_history')) }}
