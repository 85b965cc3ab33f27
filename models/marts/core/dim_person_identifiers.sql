{#- One row per identifier (type, value) the warehouse knows: every identifier of the identity graph and
    every anonymous_id / user_id of fct_events that the graph never linked, with its person and how it got
    there. The public identity map: resolve any email, user id, device or CRM / support id to its person
    without reading intermediate models, and follow `linked_through_*` hop by hop to the person's anchor
    to see why two identifiers are (or are not) one person (README, "Identity map").
    Identifiers of people who asked to be forgotten are absent (the graph is built without them, and
    the map filters int_erased_identifiers again). -#}
{%- set string = dbt.type_string() -%}
with

identities as (

    select
        identifier_type,
        identifier_value,
        person_id,
        person_label,
        is_anchored,
        hops_to_anchor,
        node_key
    from {{ ref('int_identities_stitched') }}

),

edges as (

    select
        left_type,
        left_value,
        right_type,
        right_value,
        first_seen_at,
        last_seen_at,
        is_kept,
        drop_reason,
        left_shared_reason,
        right_shared_reason
    from {{ ref('int_identity_edges_filtered') }}

),

edge_evidence as (

    select
        left_type,
        left_value,
        right_type,
        right_value,
        evidence_source
    from {{ ref('int_identity_edges_unioned') }}

),

events as (

    select
        anonymous_id,
        user_id,
        event_at
    from {{ ref('fct_events') }}

),

internal_people as (

    select person_id from {{ ref('int_people_internal') }}

),

erased_identifiers as (

    select distinct
        identifier_type,
        identifier_hash
    from {{ ref('int_erased_identifiers') }}

),

-- every edge seen from both of its ends
edge_ends as (

    select
        left_type as identifier_type,
        left_value as identifier_value,
        right_type as other_type,
        right_value as other_value,
        first_seen_at,
        last_seen_at,
        is_kept,
        drop_reason,
        left_shared_reason as own_shared_reason
    from edges
    union all
    select
        right_type as identifier_type,
        right_value as identifier_value,
        left_type as other_type,
        left_value as other_value,
        first_seen_at,
        last_seen_at,
        is_kept,
        drop_reason,
        right_shared_reason as own_shared_reason
    from edges

),

edge_summary as (

    select
        identifier_type,
        identifier_value,
        min(first_seen_at) as first_linked_at,
        max(last_seen_at) as last_linked_at,
        count(case when is_kept then 1 end) as kept_link_count,
        count(case when not is_kept then 1 end) as cut_link_count,
        -- the identifier itself is shared (a kiosk, an agent's laptop): every edge of it was cut
        max(own_shared_reason) as shared_reason,
        -- a user's edge to this identifier was over the user's quota of devices / emails
        max(case when drop_reason = 'over_user_quota' and other_type = 'user_id' then 1 else 0 end)
        = 1 as is_over_user_quota
    from edge_ends
    group by identifier_type, identifier_value

),

-- the kept neighbour one hop closer to the anchor (anchored), or the component's root when adjacent, else a
-- neighbour of the same person with a smaller label (unanchored)
link_candidates as (

    select
        self.identifier_type,
        self.identifier_value,
        edge_ends.other_type,
        edge_ends.other_value,
        row_number() over (
            partition by self.identifier_type, self.identifier_value
            order by
                case when other.node_key = self.person_label then 0 else 1 end,
                {{ gtm_warehouse.identifier_priority('edge_ends.other_type') }},
                edge_ends.other_value
        ) as candidate_rank
    from identities as self
    inner join edge_ends
        on
            self.identifier_type = edge_ends.identifier_type
            and self.identifier_value = edge_ends.identifier_value
    inner join identities as other
        on
            edge_ends.other_type = other.identifier_type
            and edge_ends.other_value = other.identifier_value
    where
        edge_ends.is_kept
        and self.node_key != self.person_label
        and other.person_label = self.person_label
        -- every hop gets closer: one hop nearer the anchor, or (no anchor) a smaller label, so the root
        -- (the component's smallest label) ends every walk and no walk can loop
        and (
            (self.is_anchored and other.hops_to_anchor = self.hops_to_anchor - 1)
            or (not self.is_anchored and other.node_key < self.node_key)
        )

),

links as (

    select
        identifier_type,
        identifier_value,
        other_type as linked_through_type,
        other_value as linked_through_value
    from link_candidates
    where candidate_rank = 1

),

-- evidence is kept per source in either orientation: both orientations, then an equi-join
evidence_ends as (

    select
        left_type as identifier_type,
        left_value as identifier_value,
        right_type as other_type,
        right_value as other_value,
        evidence_source
    from edge_evidence
    union
    select
        right_type as identifier_type,
        right_value as identifier_value,
        left_type as other_type,
        left_value as other_value,
        evidence_source
    from edge_evidence

),

link_evidence as (

    select
        links.identifier_type,
        links.identifier_value,
        {{ gtm_warehouse.sorted_string_agg('evidence_ends.evidence_source') }} as linked_through_evidence
    from links
    inner join evidence_ends
        on
            links.identifier_type = evidence_ends.identifier_type
            and links.identifier_value = evidence_ends.identifier_value
            and links.linked_through_type = evidence_ends.other_type
            and links.linked_through_value = evidence_ends.other_value
    group by links.identifier_type, links.identifier_value

),

event_identifiers as (

    select
        'anonymous_id' as identifier_type,
        anonymous_id as identifier_value,
        event_at
    from events
    where anonymous_id is not null
    union all
    select
        'user_id' as identifier_type,
        user_id as identifier_value,
        event_at
    from events
    where user_id is not null

),

event_summary as (

    select
        identifier_type,
        identifier_value,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at,
        count(*) as event_count
    from event_identifiers
    group by identifier_type, identifier_value

),

-- identifiers of events that the graph never linked: their own person (macro resolve_event_person)
event_only as (

    select
        event_summary.identifier_type,
        event_summary.identifier_value,
        {{ gtm_warehouse.person_id_from_label(
            gtm_warehouse.identity_label('event_summary.identifier_type', 'event_summary.identifier_value')
        ) }} as person_id,
        event_summary.identifier_type = 'user_id' as is_anchored,
        case when event_summary.identifier_type = 'user_id' then 0 end as hops_to_anchor,
        true as is_label_owner
    from event_summary
    left join identities
        on
            event_summary.identifier_type = identities.identifier_type
            and event_summary.identifier_value = identities.identifier_value
    where identities.identifier_value is null

),

all_identifiers as (

    select
        identifier_type,
        identifier_value,
        person_id,
        is_anchored,
        case when is_anchored then hops_to_anchor end as hops_to_anchor,
        node_key = person_label as is_label_owner
    from identities
    union all
    select
        identifier_type,
        identifier_value,
        person_id,
        is_anchored,
        hops_to_anchor,
        is_label_owner
    from event_only

),

joined as (

    select
        all_identifiers.identifier_type,
        all_identifiers.identifier_value,
        all_identifiers.person_id,
        all_identifiers.is_anchored,
        all_identifiers.hops_to_anchor,
        all_identifiers.is_label_owner,
        edge_summary.shared_reason,
        links.linked_through_type,
        links.linked_through_value,
        link_evidence.linked_through_evidence,
        coalesce(edge_summary.kept_link_count, 0) as kept_link_count,
        coalesce(edge_summary.cut_link_count, 0) as cut_link_count,
        coalesce(edge_summary.is_over_user_quota, false) as is_over_user_quota,
        -- least/greatest skip NULLs on both engines; coalesce keeps that explicit
        least(
            coalesce(edge_summary.first_linked_at, event_summary.first_event_at),
            coalesce(event_summary.first_event_at, edge_summary.first_linked_at)
        ) as first_seen_at,
        greatest(
            coalesce(edge_summary.last_linked_at, event_summary.last_event_at),
            coalesce(event_summary.last_event_at, edge_summary.last_linked_at)
        ) as last_seen_at,
        coalesce(event_summary.event_count, 0) as event_count,
        internal_people.person_id is not null as is_internal
    from all_identifiers
    left join edge_summary
        on
            all_identifiers.identifier_type = edge_summary.identifier_type
            and all_identifiers.identifier_value = edge_summary.identifier_value
    left join event_summary
        on
            all_identifiers.identifier_type = event_summary.identifier_type
            and all_identifiers.identifier_value = event_summary.identifier_value
    left join links
        on
            all_identifiers.identifier_type = links.identifier_type
            and all_identifiers.identifier_value = links.identifier_value
    left join link_evidence
        on
            all_identifiers.identifier_type = link_evidence.identifier_type
            and all_identifiers.identifier_value = link_evidence.identifier_value
    left join internal_people
        on all_identifiers.person_id = internal_people.person_id
    left join erased_identifiers
        on
            all_identifiers.identifier_type = erased_identifiers.identifier_type
            and {{ dbt.hash('all_identifiers.identifier_value') }} = erased_identifiers.identifier_hash
    where erased_identifiers.identifier_hash is null

),

final as (

    select
        {{ dbt.hash(dbt.concat(['identifier_type', "'|'", 'identifier_value'])) }} as person_identifier_id,
        identifier_type,
        identifier_value,
        person_id,
        case
            when identifier_type = 'user_id' then 'anchor'
            when is_anchored then 'linked_to_anchor'
            when kept_link_count > 0 and is_label_owner then 'unanchored_root'
            when kept_link_count > 0 then 'linked_without_anchor'
            else 'unlinked'
        end as link_status,
        is_anchored,
        hops_to_anchor,
        linked_through_type,
        linked_through_value,
        linked_through_evidence,
        kept_link_count,
        cut_link_count,
        case
            when shared_reason is not null then shared_reason
            when is_over_user_quota then 'over_user_quota'
        end as merge_protection_reason,
        shared_reason is not null or is_over_user_quota as is_merge_protection_cut,
        event_count,
        first_seen_at,
        last_seen_at,
        is_internal
    from joined

)

select * from final
