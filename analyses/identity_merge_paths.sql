-- Data team / privacy: why is this identifier that person? For every identifier that the identity graph
-- linked to others, the path (up to four hops) through which it got its person, each hop with the models
-- that saw the two identifiers together. Filter on identifier_value to explain one merge; two identifiers
-- are one person when their paths end at the same identifier (README, "Identity map").
with

identifiers as (

    select
        identifier_type,
        identifier_value,
        person_id,
        link_status,
        hops_to_anchor,
        linked_through_type,
        linked_through_value,
        linked_through_evidence
    from {{ ref('dim_person_identifiers') }}

),

{%- set hops = 4 %}

paths as (

    select
        step_0.identifier_type,
        step_0.identifier_value,
        step_0.person_id,
        step_0.link_status,
        step_0.hops_to_anchor,
        {%- for hop in range(hops) %}
            step_{{ hop }}.linked_through_type as hop_{{ hop + 1 }}_type,
            step_{{ hop }}.linked_through_value as hop_{{ hop + 1 }}_value,
            step_{{ hop }}.linked_through_evidence as hop_{{ hop + 1 }}_evidence,
        {%- endfor %}
        step_{{ hops }}.linked_through_value is not null as is_path_truncated
    from identifiers as step_0
        {%- for hop in range(1, hops + 1) %}
        left join identifiers as step_{{ hop }}
            on
                step_{{ hop - 1 }}.linked_through_type = step_{{ hop }}.identifier_type
                and step_{{ hop - 1 }}.linked_through_value = step_{{ hop }}.identifier_value
            {%- endfor %}
    where step_0.link_status in ('linked_to_anchor', 'linked_without_anchor')

)

select
    identifier_type,
    identifier_value,
    person_id,
    link_status,
    hops_to_anchor,
    {%- for hop in range(1, hops + 1) %}
        hop_{{ hop }}_type,
        hop_{{ hop }}_value,
        hop_{{ hop }}_evidence,
    {%- endfor %}
    is_path_truncated
from paths
order by person_id, identifier_type, identifier_value
