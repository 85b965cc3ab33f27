{#- Fails on every row of the model for which the boolean SQL expression is not true. -#}
{% test expression_is_true(model, expression, where=none) %}

select *
from {{ model }}
where
    not coalesce(({{ expression }}), false)
    {%- if where %}
    and ({{ where }})
    {%- endif %}

{% endtest %}
