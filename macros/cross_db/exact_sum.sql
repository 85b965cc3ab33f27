{#- A sum of doubles that does not depend on the order of its terms (the engine, the build): each term is
    rounded to `decimals` places and summed as an integer count of 10^-decimals units, then scaled back.
    Keep |term| x 10^decimals x rows below 9.2e18 (bigint). -#}
{% macro exact_sum(expression, decimals) -%}
    sum(cast(round(({{ expression }}) * 1e{{ decimals }}) as bigint)) / 1e{{ decimals }}
{%- endmacro %}
