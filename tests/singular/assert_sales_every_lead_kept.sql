-- Nothing silently lost: every lead that is not soft-deleted has one row in dim_lead_signal_scores (leads
-- with no events, unresolved leads and duplicate leads included).
select leads.lead_id
from {{ ref('stg_crm__leads') }} as leads
left join {{ ref('dim_lead_signal_scores') }} as scores
    on leads.lead_id = scores.lead_id
where not leads.is_deleted and scores.lead_id is null
