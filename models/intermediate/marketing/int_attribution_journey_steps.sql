{#- Grain: one row per (conversion type, journey, step): the channel paths the data-driven models
    (Markov chain, Shapley values) learn from. A converting journey is the touch path of one conversion
    (int_attribution_touches_windowed, without `(no touch)` rows). A non-converting journey is the touch
    path of a person (account, for account-level conversion types) that had no conversion of that type:
    their touches in the lookback window before their last touch. Without non-converting journeys every
    channel would look equally necessary. -#}
with

windowed_touches as (

    select
        conversion_id,
        conversion_type,
        is_account_scope,
        channel,
        touch_number,
        touch_count
    from {{ ref('int_attribution_touches_windowed') }}
    where not is_no_touch

),

conversions as (

    select
        conversion_type,
        attribution_level,
        person_id,
        account_id
    from {{ ref('fct_conversions') }}

),

touchpoints as (

    select
        touchpoint_id,
        person_id,
        account_id,
        touched_at,
        channel
    from {{ ref('fct_touchpoints') }}

),

conversion_types as (

    select distinct
        conversion_type,
        attribution_level
    from conversions

),

converting_steps as (

    select
        conversion_type,
        conversion_id as journey_id,
        touch_number as step_number,
        channel,
        touch_number = touch_count as is_last_step,
        true as is_converted
    from windowed_touches

),

entity_touches as (

    -- every touch once per conversion type, keyed by the entity that type is attributed to
    select
        conversion_types.conversion_type,
        touchpoints.touchpoint_id,
        touchpoints.touched_at,
        touchpoints.channel,
        case
            when conversion_types.attribution_level = 'account' then touchpoints.account_id
            else touchpoints.person_id
        end as entity_id
    from conversion_types
    cross join touchpoints

),

converted_entities as (

    select distinct
        conversion_type,
        case when attribution_level = 'account' then account_id else person_id end as entity_id
    from conversions

),

non_converting_touches as (

    select
        entity_touches.conversion_type,
        entity_touches.entity_id,
        entity_touches.touchpoint_id,
        entity_touches.touched_at,
        entity_touches.channel,
        max(entity_touches.touched_at) over (
            partition by entity_touches.conversion_type, entity_touches.entity_id
        ) as last_touched_at
    from entity_touches
    left join converted_entities
        on
            entity_touches.conversion_type = converted_entities.conversion_type
            and entity_touches.entity_id = converted_entities.entity_id
    where entity_touches.entity_id is not null and converted_entities.entity_id is null

),

non_converting_windowed as (

    select
        conversion_type,
        entity_id,
        touchpoint_id,
        touched_at,
        channel
    from non_converting_touches
    where touched_at >= {{ dbt.dateadd('day', -1 * var('gtm__attribution_lookback_days'), 'last_touched_at') }}

),

non_converting_steps as (

    select
        conversion_type,
        {{ dbt.concat(["'(no conversion)|'", 'entity_id']) }} as journey_id,
        row_number() over (
            partition by conversion_type, entity_id order by touched_at, touchpoint_id
        ) as step_number,
        channel,
        row_number() over (
            partition by conversion_type, entity_id order by touched_at desc, touchpoint_id desc
        ) = 1 as is_last_step,
        false as is_converted
    from non_converting_windowed

),

unioned as (

    select * from converting_steps
    union all
    select * from non_converting_steps

),

channel_bits as (

    -- one bit per channel (2^index in channel order): a journey's channel set is the sum of its distinct bits
    select
        channel,
        cast(power(2, dense_rank() over (order by channel) - 1) as bigint) as channel_bit
    from (select distinct channel from unioned) as distinct_channels

),

final as (

    select
        {{ dbt.concat([
            'unioned.conversion_type', "'|'", 'unioned.journey_id', "'|'",
            'cast(unioned.step_number as ' ~ dbt.type_string() ~ ')',
        ]) }} as journey_step_id,
        unioned.conversion_type,
        unioned.journey_id,
        unioned.step_number,
        unioned.channel,
        channel_bits.channel_bit,
        unioned.is_last_step,
        unioned.is_converted
    from unioned
    inner join channel_bits on unioned.channel = channel_bits.channel

)

select * from final
