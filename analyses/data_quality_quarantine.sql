-- Data team: what the warehouse left out and why: quarantined raw rows per source table and reason.
with

quarantine as (

    select
        source_table,
        quarantine_reason
    from {{ ref('stg_quarantine__rows') }}

)

select
    source_table,
    quarantine_reason,
    count(*) as quarantined_rows
from quarantine
group by source_table, quarantine_reason
order by quarantined_rows desc, source_table asc, quarantine_reason asc
