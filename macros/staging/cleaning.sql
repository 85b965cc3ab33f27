{#- Trimmed text, NULL when blank. -#}
{% macro blank_to_null(expression) -%}
    nullif(trim({{ expression }}), '')
{%- endmacro %}


{#- Free text cut to var gtm__max_text_length characters, NULL when blank. -#}
{% macro clean_text(expression) -%}
    nullif(trim(left({{ expression }}, {{ var('gtm__max_text_length') }})), '')
{%- endmacro %}


{#- An identifier (anonymous_id, user_id, group_id...) with placeholder values nulled: the values
    of var gtm__blocked_identifier_values mean "unknown" and must never link two people. -#}
{% macro clean_identifier(expression) -%}
    {%- set blocked = var('gtm__blocked_identifier_values') -%}
    case
        when lower(trim({{ expression }})) in (
            {%- for value in blocked %}'{{ value | lower | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
        ) then null
        else trim({{ expression }})
    end
{%- endmacro %}


{#- Email lower-cased and trimmed, `mailto:` stripped; NULL when it is not a syntactically valid
    address (one @, a dot in the domain, no spaces). -#}
{% macro normalize_email(expression) -%}
    {%- set stripped -%}
        lower(trim(replace(lower(trim({{ expression }})), 'mailto:', '')))
    {%- endset -%}
    case
        when {{ gtm_warehouse.regexp_matches(stripped, "^[a-z0-9._%+-]+@[a-z0-9-]+([.][a-z0-9-]+)*[.][a-z]{2,}$") }}
            then {{ stripped }}
    end
{%- endmacro %}


{#- Value of one query-string parameter of a URL, percent-decoded; NULL when absent or empty. -#}
{% macro get_url_parameter(url, parameter) -%}
    {{ gtm_warehouse.get_query_parameter(gtm_warehouse.regexp_extract_group(url, '[?]([^#]*)'), parameter) }}
{%- endmacro %}


{#- Value of one parameter of a query string (the part of a URL after `?`, without `#...`),
    percent-decoded; NULL when absent or empty. Cheaper than get_url_parameter when several
    parameters are read from one URL: cut the query string out once, then look each one up. -#}
{% macro get_query_parameter(query, parameter) -%}
    {{ gtm_warehouse.url_decode(gtm_warehouse.regexp_extract_group(query, "(^|&)" ~ parameter ~ "=([^&]*)", 2)) }}
{%- endmacro %}


{#- Host of a URL, lower-cased, without a leading `www.`. -#}
{% macro url_host(url) -%}
    {{ gtm_warehouse.regexp_extract_group(
        "lower(" ~ url ~ ")", "^[a-z][a-z0-9+.-]*://(www[.])?([^/:?#]+)", 2
    ) }}
{%- endmacro %}


{#- Path of a URL (without query string or fragment); `/` when the URL has none. -#}
{% macro url_path(url) -%}
    case
        when {{ url }} is not null
            then coalesce({{ gtm_warehouse.regexp_extract_group(url, "^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*(/[^?#]*)") }}, '/')
    end
{%- endmacro %}
