-- The daily score history (built from score CHANGES) must end at the current score, which
-- dim_person_signal_scores computes directly from the signals with the decay formula. Fails with the
-- people whose last history row differs (or who have no history row).
with

history as (

    select
        person_id,
        score
    from {{ ref('fct_person_score_history') }}
    where is_current

),

current_scores as (

    select
        person_id,
        score
    from {{ ref('dim_person_signal_scores') }}

)

select
    current_scores.person_id,
    current_scores.score as current_score,
    history.score as last_history_score
from current_scores
left join history
    on current_scores.person_id = history.person_id
where history.score is null or abs(history.score - current_scores.score) > 0.000001
