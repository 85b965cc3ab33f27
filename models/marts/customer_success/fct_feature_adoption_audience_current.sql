{#- Current members of the feature adoption audiences: one row per open membership spell of
    fct_feature_adoption_audience_history (shared audience pattern, macro audience_current). -#}
{{ config(enabled=var('using_product_db')) }}

{{ gtm_warehouse.audience_current(ref('fct_feature_adoption_audience_history')) }}
