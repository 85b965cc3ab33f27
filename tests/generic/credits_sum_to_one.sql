{#- Fails on every group (e.g. a conversion) whose credits, in any of the given credit columns, do not sum
    to 1 (within `tolerance`, for floating-point rounding) or that has a NULL credit. -#}
{% test credits_sum_to_one(model, group_by, credit_columns, tolerance=0.000000001) %}

select
    {{ group_by }},
    {%- for column in credit_columns %}
        sum({{ column }}) as {{ column }}_sum,
        count({{ column }}) as {{ column }}_count,
    {%- endfor %}
    count(*) as row_count
from {{ model }}
group by {{ group_by }}
having
    {%- for column in credit_columns %}
        abs(sum({{ column }}) - 1) > {{ tolerance }}
        or count({{ column }}) != count(*)
        {%- if not loop.last %} or{% endif %}
    {%- endfor %}

{% endtest %}
