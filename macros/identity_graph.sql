{#- The identity graph as three chains of CTEs, so that one query can build it twice: once over every
    record (int_erased_identifiers, to find the people a deletion request resolves to) and once over
    the records of people nobody asked to forget (int_identity_edges_unioned → int_identities_stitched).
    Each macro emits CTEs whose names start with `prefix` and end with a trailing comma; the last one is
    named `<prefix>edges_unioned`, `<prefix>edges_filtered` or `<prefix>identities_stitched`. -#}


{#- Which rows link which identifiers. Event pairs: [model, left, right] (columns named as the type).
    Records of the other sources: [model, enabled, left type, left column, right type, right column,
    seen at, extra condition]; soft-deleted records (is_deleted) never link anyone. -#}
{% macro identity_edge_sources() -%}
    {%- set event_pairs = [
        ['stg_segment__identifies', 'anonymous_id', 'user_id'],
        ['stg_segment__identifies', 'anonymous_id', 'email'],
        ['stg_segment__identifies', 'user_id', 'email'],
        ['stg_segment__pages', 'anonymous_id', 'user_id'],
        ['stg_segment__tracks', 'anonymous_id', 'user_id'],
        ['stg_segment__groups', 'anonymous_id', 'user_id'],
        ['stg_segment__signed_up', 'anonymous_id', 'email'],
        ['stg_segment__signed_up', 'user_id', 'email'],
        ['stg_segment__demo_requested', 'anonymous_id', 'email'],
        ['stg_segment__demo_requested', 'user_id', 'email'],
        ['stg_segment__content_downloaded', 'anonymous_id', 'email'],
        ['stg_segment__content_downloaded', 'user_id', 'email'],
        ['stg_segment__webinar_registered', 'anonymous_id', 'email'],
        ['stg_segment__webinar_registered', 'user_id', 'email'],
    ] -%}
    {%- set live_lead = 'not coalesce(is_deleted, false)' -%}
    {%- set all_record_pairs = [
        ['stg_product__users', var('using_product_db'),
            'user_id', 'user_id', 'email', 'email', 'created_at', 'true'],
        ['stg_crm__leads', var('using_crm'),
            'crm_lead_id', 'lead_id', 'email', 'email', 'created_at', live_lead],
        ['stg_crm__leads', var('using_crm'),
            'crm_lead_id', 'lead_id', 'crm_contact_id', 'converted_contact_id', 'created_at',
            live_lead ~ " and converted_contact_id not in (select deleted_contacts.contact_id from "
            ~ (ref('stg_crm__contacts') if var('using_crm') else 'none')
            ~ " as deleted_contacts where deleted_contacts.is_deleted)"],
        ['stg_crm__contacts', var('using_crm'),
            'crm_contact_id', 'contact_id', 'email', 'email', 'created_at', 'not coalesce(is_deleted, false)'],
        ['stg_support__users', var('using_support'),
            'support_user_id', 'support_user_id', 'email', 'email', 'created_at', 'true'],
        ['stg_support__users', var('using_support'),
            'support_user_id', 'support_user_id', 'user_id', 'product_user_id', 'created_at', 'true'],
        ['stg_surveys__responses', var('using_surveys'),
            'user_id', 'user_id', 'email', 'email', 'submitted_at', 'true'],
    ] -%}
    {%- set record_pairs = [] -%}
    {%- for pair in all_record_pairs if pair[1] -%}
        {%- do record_pairs.append(pair) -%}
    {%- endfor -%}
    {{ return({'event_pairs': event_pairs, 'record_pairs': record_pairs}) }}
{%- endmacro %}


{#- Identifier columns of one source model: [[type, column]...], from every pair that reads it. -#}
{% macro identity_model_columns(model) -%}
    {%- set sources = gtm_warehouse.identity_edge_sources() -%}
    {%- set columns = [] -%}
    {%- for pair_model, left, right in sources.event_pairs if pair_model == model -%}
        {%- for identifier in [left, right] if [identifier, identifier] not in columns -%}
            {%- do columns.append([identifier, identifier]) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for pair in sources.record_pairs if pair[0] == model -%}
        {%- for identifier in [[pair[2], pair[3]], [pair[4], pair[5]]] if identifier not in columns -%}
            {%- do columns.append(identifier) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}


{#- True when none of the row's identifier columns ([[type, column]...]) is in `erased` (a relation or
    CTE with identifier_type, identifier_hash: int_erased_identifiers). A conjunction of plain `not in`
    (a NULL column hashes to '' and never matches): Spark refuses a `not in` subquery nested in `or`. -#}
{% macro not_erased(columns, erased) -%}
    {%- for identifier_type, column in columns %}
        coalesce({{ dbt.hash('cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')') }}, '') not in (
            select erased_{{ loop.index }}.identifier_hash from {{ erased }} as erased_{{ loop.index }}
            where erased_{{ loop.index }}.identifier_type = '{{ identifier_type }}'
        ){{ ' and' if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{#- Pairs of identifiers seen together, one row per pair and evidence source, as CTE `<prefix>edges_unioned`.
    With `erased`, rows holding an erased identifier are left out whole (as if they had never been loaded). -#}
{% macro identity_edge_ctes(prefix='', erased=none) -%}
    {%- set sources = gtm_warehouse.identity_edge_sources() -%}
    {%- set ctes = [] -%}
    {%- for model, left, right in sources.event_pairs %}
        {%- set cte = prefix ~ model ~ '__' ~ left ~ '__' ~ right -%}
        {%- do ctes.append(cte) %}
    {{ cte }} as (

        select
            '{{ left }}' as left_type,
            {{ left }} as left_value,
            '{{ right }}' as right_type,
            {{ right }} as right_value,
            '{{ model }}' as evidence_source,
            min(event_at) as first_seen_at,
            max(event_at) as last_seen_at,
            count(*) as observations
        from {{ ref(model) }}
        where
            {{ left }} is not null and {{ right }} is not null
            {%- if erased is not none %}
                and {{ gtm_warehouse.not_erased(gtm_warehouse.identity_model_columns(model), erased) }}
            {%- endif %}
        group by {{ left }}, {{ right }}

    ),
    {%- endfor %}
    {%- for model, enabled, left_type, left_column, right_type, right_column, seen_at, condition in sources.record_pairs %}
        {%- set cte = prefix ~ model ~ '__' ~ left_type ~ '__' ~ right_type -%}
        {%- do ctes.append(cte) %}
    {{ cte }} as (

        select
            '{{ left_type }}' as left_type,
            cast({{ left_column }} as {{ dbt.type_string() }}) as left_value,
            '{{ right_type }}' as right_type,
            cast({{ right_column }} as {{ dbt.type_string() }}) as right_value,
            '{{ model }}' as evidence_source,
            min({{ seen_at }}) as first_seen_at,
            max({{ seen_at }}) as last_seen_at,
            count(*) as observations
        from {{ ref(model) }}
        where
            {{ left_column }} is not null and {{ right_column }} is not null and {{ condition }}
            {%- if erased is not none %}
                and {{ gtm_warehouse.not_erased(gtm_warehouse.identity_model_columns(model), erased) }}
            {%- endif %}
        group by {{ left_column }}, {{ right_column }}

    ),
    {%- endfor %}
    {{ prefix }}edges_unioned as (
        {%- for cte in ctes %}

        select * from {{ cte }}
        {%- if not loop.last %}
        union all
        {%- endif %}
        {%- endfor %}

    ),
{%- endmacro %}


{#- One row per distinct pair of identifiers with the merge-protection verdict, as CTE `<prefix>edges_filtered`.
    An edge is dropped when either end is a shared identifier (a kiosk browser or a support agent's
    laptop: linked to more user_ids, or an anonymous_id to more emails, than the vars allow), or when a
    user_id already has its quota of anonymous_ids or emails (the earliest seen are kept). -#}
{% macro identity_filter_ctes(prefix, unioned) -%}
    {%- set left_priority = gtm_warehouse.identifier_priority('left_type') -%}
    {%- set right_priority = gtm_warehouse.identifier_priority('right_type') -%}
    {%- set left_first -%}
        ({{ left_priority }} < {{ right_priority }} or ({{ left_priority }} = {{ right_priority }} and left_value <= right_value))
    {%- endset %}
    -- the higher-priority identifier (var gtm__identity_priority) on the left, so that a pair seen in
    -- both orders is one edge and user_id edges always have the user_id on the left
    {{ prefix }}oriented as (

        select
            case when {{ left_first }} then left_type else right_type end as left_type,
            case when {{ left_first }} then left_value else right_value end as left_value,
            case when {{ left_first }} then right_type else left_type end as right_type,
            case when {{ left_first }} then right_value else left_value end as right_value,
            first_seen_at,
            last_seen_at,
            observations
        from {{ unioned }}

    ),

    {{ prefix }}edges as (

        select
            left_type,
            left_value,
            right_type,
            right_value,
            min(first_seen_at) as first_seen_at,
            max(last_seen_at) as last_seen_at,
            sum(observations) as observations
        from {{ prefix }}oriented
        group by left_type, left_value, right_type, right_value

    ),

    {{ prefix }}directed as (

        select
            left_type as node_type,
            left_value as node_value,
            right_type as other_type,
            right_value as other_value,
            first_seen_at
        from {{ prefix }}edges
        union all
        select
            right_type as node_type,
            right_value as node_value,
            left_type as other_type,
            left_value as other_value,
            first_seen_at
        from {{ prefix }}edges

    ),

    {{ prefix }}node_links as (

        select
            node_type,
            node_value,
            count(distinct case when other_type = 'user_id' then other_value end) as linked_user_ids,
            count(distinct case when other_type = 'email' then other_value end) as linked_emails
        from {{ prefix }}directed
        group by node_type, node_value

    ),

    {{ prefix }}shared_nodes as (

        select
            node_type,
            node_value,
            case
                when node_type != 'user_id'
                    and linked_user_ids > {{ var('gtm__identity_max_user_ids_per_identifier') }}
                    then 'shared_identifier_many_user_ids'
                when node_type = 'anonymous_id'
                    and linked_emails > {{ var('gtm__identity_max_emails_per_anonymous_id') }}
                    then 'shared_identifier_many_emails'
            end as shared_reason
        from {{ prefix }}node_links

    ),

    {{ prefix }}user_quota as (

        select
            node_value as user_id,
            other_type,
            other_value,
            row_number() over (
                partition by node_value, other_type
                order by first_seen_at, other_value
            ) as link_rank
        from {{ prefix }}directed
        where node_type = 'user_id' and other_type in ('anonymous_id', 'email')

    ),

    {{ prefix }}judged as (

        select
            edges.left_type,
            edges.left_value,
            edges.right_type,
            edges.right_value,
            edges.first_seen_at,
            edges.last_seen_at,
            edges.observations,
            coalesce(left_shared.shared_reason, right_shared.shared_reason) as shared_reason,
            left_shared.shared_reason as left_shared_reason,
            right_shared.shared_reason as right_shared_reason,
            case edges.right_type
                when 'anonymous_id' then user_quota.link_rank > {{ var('gtm__identity_max_anonymous_ids_per_user') }}
                when 'email' then user_quota.link_rank > {{ var('gtm__identity_max_emails_per_user') }}
                else false
            end as is_over_user_quota
        from {{ prefix }}edges as edges
        left join {{ prefix }}shared_nodes as left_shared
            on edges.left_type = left_shared.node_type and edges.left_value = left_shared.node_value
        left join {{ prefix }}shared_nodes as right_shared
            on edges.right_type = right_shared.node_type and edges.right_value = right_shared.node_value
        left join {{ prefix }}user_quota as user_quota
            on
                edges.left_type = 'user_id'
                and edges.left_value = user_quota.user_id
                and edges.right_type = user_quota.other_type
                and edges.right_value = user_quota.other_value

    ),

    {{ prefix }}edges_filtered as (

        select
            left_type,
            left_value,
            right_type,
            right_value,
            first_seen_at,
            last_seen_at,
            observations,
            shared_reason is null and not coalesce(is_over_user_quota, false) as is_kept,
            case
                when shared_reason is not null then shared_reason
                when is_over_user_quota then 'over_user_quota'
            end as drop_reason,
            left_shared_reason,
            right_shared_reason
        from {{ prefix }}judged

    ),
{%- endmacro %}


{#- One row per identifier of the graph with its person, as CTE `<prefix>identities_stitched`.

    Constrained label propagation, unrolled var gtm__identity_max_iterations times (the singular test
    assert_identity_graph_converged checks that one more step changes nothing):
    * a user_id is an anchor: it keeps its own label, so two user_ids never share a person;
    * any other identifier takes the label of the nearest anchor it is connected to through kept edges
      (ties: the smallest label); with no anchor in reach, the smallest label of its component, where
      labels sort by identifier priority (var gtm__identity_priority: email before CRM ids before
      anonymous ids).
    A state orders as (0 anchored | 1 not, hops to the anchor, label), so that `min` picks the winner on
    any engine. While propagating it is one bigint, not a string: flag * 10^15 + hops * 10^12 + the
    label's rank among all labels (node_rank, label order), so the unrolled joins and aggregations hold
    integers (30M events: the string states ran DuckDB out of its 4GB memory_limit). The output spells it
    as before: `graph_state` = <0|1> <3-digit hops> <label>. -#}
{% macro identity_stitch_ctes(prefix, filtered) -%}
    {%- set iterations = var('gtm__identity_max_iterations') -%}
    {%- set flag_unit = 1000000000000000 -%}
    {%- set hop_unit = 1000000000000 -%}
    {%- set bigint = dbt.type_bigint() %}
    {{ prefix }}graph_edges as (

        select
            left_type,
            left_value,
            right_type,
            right_value,
            is_kept
        from {{ filtered }}

    ),

    {{ prefix }}nodes as (

        select distinct
            node_type,
            node_value
        from (
            select
                left_type as node_type,
                left_value as node_value
            from {{ prefix }}graph_edges
            union all
            select
                right_type as node_type,
                right_value as node_value
            from {{ prefix }}graph_edges
        ) as ends

    ),

    {{ prefix }}keyed_nodes as (

        select
            node_type,
            node_value,
            {{ gtm_warehouse.identity_label('node_type', 'node_value') }} as node_key,
            node_type = 'user_id' as is_anchor
        from {{ prefix }}nodes

    ),

    {{ prefix }}labelled_nodes as (

        -- a label is unique per node: its rank in label order stands for it while propagating
        select
            node_type,
            node_value,
            node_key,
            is_anchor,
            cast(row_number() over (order by node_key) as {{ bigint }}) as node_rank
        from {{ prefix }}keyed_nodes

    ),

    -- who listens to whom: every node hears itself; a non-anchor also hears its kept neighbours
    {{ prefix }}listeners as (

        select
            node_rank as listener_rank,
            node_rank as speaker_rank,
            true as is_self
        from {{ prefix }}labelled_nodes
        union all
        select
            listener.node_rank as listener_rank,
            speaker.node_rank as speaker_rank,
            false as is_self
        from {{ prefix }}graph_edges as edges
        inner join {{ prefix }}labelled_nodes as listener
            on edges.right_type = listener.node_type and edges.right_value = listener.node_value
        inner join {{ prefix }}labelled_nodes as speaker
            on edges.left_type = speaker.node_type and edges.left_value = speaker.node_value
        where edges.is_kept and not listener.is_anchor
        union all
        select
            listener.node_rank as listener_rank,
            speaker.node_rank as speaker_rank,
            false as is_self
        from {{ prefix }}graph_edges as edges
        inner join {{ prefix }}labelled_nodes as listener
            on edges.left_type = listener.node_type and edges.left_value = listener.node_value
        inner join {{ prefix }}labelled_nodes as speaker
            on edges.right_type = speaker.node_type and edges.right_value = speaker.node_value
        where edges.is_kept and not listener.is_anchor

    ),

    {{ prefix }}state_0 as (

        select
            node_rank,
            case when is_anchor then 0 else {{ flag_unit }} end + node_rank as state
        from {{ prefix }}labelled_nodes

    ),
    {%- for i in range(1, iterations + 1) %}

    {{ prefix }}state_{{ i }} as (

        -- an anchored state heard from a neighbour is one hop further from its anchor
        select
            listeners.listener_rank as node_rank,
            min(
                case
                    when listeners.is_self or heard.state >= {{ flag_unit }} then heard.state
                    else heard.state + {{ hop_unit }}
                end
            ) as state
        from {{ prefix }}listeners as listeners
        inner join {{ prefix }}state_{{ i - 1 }} as heard
            on listeners.speaker_rank = heard.node_rank
        group by listeners.listener_rank

    ),
    {%- endfor %}

    {{ prefix }}states_resolved as (

        select
            resolved.node_rank,
            resolved.state < {{ flag_unit }} as is_anchored,
            cast(floor(mod(resolved.state, {{ flag_unit }}) / {{ hop_unit }}) as integer) as hops_to_anchor,
            label_node.node_key as person_label
        from {{ prefix }}state_{{ iterations }} as resolved
        inner join {{ prefix }}labelled_nodes as label_node
            on mod(resolved.state, {{ hop_unit }}) = label_node.node_rank

    ),

    {{ prefix }}identities_stitched as (

        select
            labelled_nodes.node_type as identifier_type,
            labelled_nodes.node_value as identifier_value,
            {{ gtm_warehouse.person_id_from_label('resolved.person_label') }} as person_id,
            resolved.person_label,
            resolved.is_anchored,
            resolved.hops_to_anchor,
            labelled_nodes.node_key,
            {{ dbt.concat([
                "case when resolved.is_anchored then '0' else '1' end",
                "lpad(cast(resolved.hops_to_anchor as " ~ dbt.type_string() ~ "), 3, '0')",
                "resolved.person_label",
            ]) }} as graph_state
        from {{ prefix }}labelled_nodes as labelled_nodes
        inner join {{ prefix }}states_resolved as resolved
            on labelled_nodes.node_rank = resolved.node_rank

    ),
{%- endmacro %}


{#- A list of values as quoted SQL string literals, comma-separated (for `in (...)`). -#}
{% macro sql_string_list(values) -%}
    {%- for value in values %}'{{ value | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
{%- endmacro %}
