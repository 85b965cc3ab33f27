-- The composite grains of the sales intermediate models hold: one row per key.
select
    'int_person_signals_aggregated' as model_name,
    person_id,
    signal_key as part_key,
    count(*) as row_count
from {{ ref('int_person_signals_aggregated') }}
group by person_id, signal_key, signal_date
having count(*) > 1
union all
select
    'int_person_signal_values_decayed' as model_name,
    person_id,
    signal_key as part_key,
    count(*) as row_count
from {{ ref('int_person_signal_values_decayed') }}
group by person_id, signal_key, change_date
having count(*) > 1
union all
select
    'int_person_scores_changed' as model_name,
    person_id,
    cast(change_date as {{ dbt.type_string() }}) as part_key,
    count(*) as row_count
from {{ ref('int_person_scores_changed') }}
group by person_id, change_date
having count(*) > 1
