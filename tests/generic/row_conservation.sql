{#- Nothing is silently lost: every raw row of a table is either staged, collapsed into a staged row
    as a duplicate copy, or quarantined with a reason:
        raw rows = staged rows + sum(duplicates_removed) + quarantined rows of that table.
    Returns one row (the four counts) when the equation does not hold. -#}
{% test row_conservation(model, raw, quarantine, source_table, duplicates_column='duplicates_removed') %}

with

raw_rows as (
    select count(*) as n from {{ raw }}
),

staged as (
    select
        count(*) as n,
        coalesce(sum({{ duplicates_column }}), 0) as duplicates
    from {{ model }}
),

quarantined as (
    select count(*) as n
    from {{ quarantine }}
    where source_table = '{{ source_table }}'
)

select
    raw_rows.n as raw_rows,
    staged.n as staged_rows,
    staged.duplicates as duplicates_removed,
    quarantined.n as quarantined_rows
from raw_rows
cross join staged
cross join quarantined
where raw_rows.n != staged.n + staged.duplicates + quarantined.n

{% endtest %}
