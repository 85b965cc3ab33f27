{#- Current members of the NPS survey audience: one row per open membership spell of
    fct_nps_audience_history (shared audience pattern, macro audience_current). -#}
{{ config(enabled=var('using_product_db') and var('using_surveys') and var('using_privacy')) }}

{{ gtm_warehouse.audience_current(ref('fct_nps_audience_history')) }}
