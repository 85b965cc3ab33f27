{#- A sum of doubles that does not depend on the order of its terms (the engine, the build): each term is
    rounded to `decimals` places and summed as an integer count of 10^-decimals units, then scaled back.
    Keep |term| x 10^decimals x rows below 9.2e18 (bigint). With `over` (a window specification, e.g.
    'partition by conversion_type') it is the same sum as a window function. -#}
{% macro exact_sum(expression, decimals, over=none) -%}
    sum(cast(round(({{ expression }}) * 1e{{ decimals }}) as bigint)){% if over %} over ({{ over }}){% endif %}
    / 1e{{ decimals }}
{%- endmacro %}
