{#- Entries into and exits from the NPS survey audience, one row per change, from
    fct_nps_audience_history (shared audience pattern, macro audience_changes). -#}
{{ config(enabled=var('using_product_db') and var('using_surveys') and var('using_privacy')) }}

{{ gtm_warehouse.audience_changes(ref('fct_nps_audience_history')) }}
