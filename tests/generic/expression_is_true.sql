{#- Fails on every row of the model for which the boolean SQL expression is not true.
    Usable at model level or under a column (the column is then only documentation). -#}
{% test expression_is_true(model, expression, column_name=none, where=none) %}

select *
from {{ model }}
where
    not coalesce(({{ expression }}), false)
    {%- if where %}
    and ({{ where }})
    {%- endif %}

{% endtest %}
