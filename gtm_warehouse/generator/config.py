"""Generator settings (one frozen dataclass) and the fixed vocabularies of the simulated world."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

GENERATOR_VERSION = "1.0.0"
DEFAULT_AS_OF = "2026-11-01T00:00:00Z"
CHUNK_PEOPLE = 20_000  # people per chunk; fixed so chunk boundaries never depend on the machine
SITE = "https://www.gtmcloud.io"


@dataclass(frozen=True)
class GeneratorConfig:
    """Everything a run depends on. Same config -> byte-identical output."""

    events: int
    seed: int
    out: Path
    truth: Path
    as_of_us: int  # end of the simulated period, epoch microseconds (UTC)
    days: int = 180
    bad_rate: float = 0.02
    increment_fraction: float = 0.0
    quiet: bool = False
    chunk_people: int = field(default=CHUNK_PEOPLE)

    @property
    def start_us(self) -> int:
        return self.as_of_us - self.days * 86_400_000_000

    @property
    def as_of_iso(self) -> str:
        return datetime.fromtimestamp(self.as_of_us / 1e6, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_as_of(text: str) -> int:
    """Parse an ISO-8601 instant (``Z`` or offset; naive = UTC) to epoch microseconds."""
    t = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    dt = datetime.fromisoformat(t)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp()) * 1_000_000 + dt.microsecond


# --- roles -----------------------------------------------------------------------------------
ROLES = ["Engineer", "Marketing", "Founder / Executive", "Product", "Analytics", "Other"]
ROLE_WEIGHTS = [0.30, 0.22, 0.12, 0.14, 0.14, 0.08]
TECHNICAL_ROLES = {0, 3, 4}
TITLES = [
    ["Software Engineer", "Senior Data Engineer", "Staff Engineer", "Engineering Manager"],
    ["Marketing Manager", "Growth Marketer", "Head of Demand Gen", "Marketing Ops Specialist"],
    ["CEO", "Co-founder", "CTO", "VP Operations"],
    ["Product Manager", "Senior PM", "Head of Product", "Product Designer"],
    ["Data Analyst", "Analytics Engineer", "Head of Data", "BI Developer"],
    ["Consultant", "Student", "Operations Associate", "Sales Rep"],
]

# --- companies and people ------------------------------------------------------------------
NAME_A = ["Bright", "Blue", "North", "Iron", "Quantum", "Silver", "Rapid", "Clear", "Deep", "Hyper", "Nova",
          "Summit", "Pixel", "Cloud", "Data", "Green", "Bold", "Swift", "Prime", "Lumen", "Vector", "Atlas",
          "Orbit", "Cedar", "Delta", "Echo", "Flux", "Granite", "Harbor", "Kite"]
NAME_B = ["loop", "stack", "wave", "forge", "works", "labs", "grid", "path", "scale", "mind", "ware",
          "point", "base", "line", "field", "shift", "craft", "spark", "bridge", "nest"]
NAME_SUFFIX = ["Inc", "Labs", "Systems", "GmbH", "Ltd", "AI", "Technologies", "Group", "Co", "Software"]
TLDS = [".com", ".io", ".co", ".ai", ".de", ".co.uk"]
INDUSTRIES = ["Software", "Financial Services", "Retail", "Healthcare", "Media", "Education", "Manufacturing",
              "Travel", "Gaming", "Logistics", "Telecommunications", "Non-profit"]
COUNTRIES = ["United States", "United Kingdom", "Germany", "France", "Canada", "Netherlands", "India",
             "Australia", "Brazil", "Japan", "Spain", "Sweden"]
FIRST_NAMES = ["James", "Mary", "Wei", "Priya", "Carlos", "Anna", "Mohammed", "Sofia", "Lukas", "Emma",
               "Noah", "Olivia", "Hiroshi", "Fatima", "Liam", "Chloe", "Mateo", "Aisha", "Jonas", "Mia",
               "Ethan", "Zoe", "Ravi", "Elena", "Omar", "Hannah", "Diego", "Yuki", "Lea", "Samuel"]
LAST_NAMES = ["Smith", "Johnson", "Chen", "Patel", "Garcia", "Müller", "Kim", "Nguyen", "Rossi", "Schmidt",
              "Brown", "Silva", "Khan", "Tanaka", "Novak", "Jones", "Martin", "Lopez", "Ivanova", "Cohen",
              "Walker", "Dubois", "Okafor", "Larsen", "Santos", "Weber", "Ali", "Moreau", "Park", "Costa"]
FREE_MAIL = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "proton.me", "icloud.com"]

# --- devices ---------------------------------------------------------------------------------
USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
]
USER_AGENT_WEIGHTS = [0.28, 0.17, 0.12, 0.05, 0.08, 0.14, 0.09, 0.04, 0.02, 0.01]
ANALYTICS_JS_VERSION = "4.15.3"
SERVER_LIBS = ["analytics-python", "analytics-node"]
SERVER_LIB_VERSIONS = ["2.3.2", "2.1.0"]

# --- channels and campaigns ----------------------------------------------------------------------
# channel code -> (name, base weight)
CHANNELS = ["paid_search", "paid_social", "organic_search", "email", "referral", "direct", "event", "partner"]
CHANNEL_WEIGHTS = [0.16, 0.12, 0.24, 0.08, 0.07, 0.23, 0.04, 0.06]
CH_PAID_SEARCH, CH_PAID_SOCIAL, CH_ORGANIC, CH_EMAIL, CH_REFERRAL, CH_DIRECT, CH_EVENT, CH_PARTNER = range(8)
# Campaigns shared by the URLs (utm_campaign), the ads tables and the CRM:
# (utm_campaign, platform, channel code, crm type, cost per click)
CAMPAIGNS = [
    ("brand_search_us", "google", CH_PAID_SEARCH, "Paid Search", 2.1),
    ("competitor_keywords", "google", CH_PAID_SEARCH, "Paid Search", 6.5),
    ("cdp_generic", "google", CH_PAID_SEARCH, "Paid Search", 4.2),
    ("spring launch", "google", CH_PAID_SEARCH, "Paid Search", 3.3),
    ("retargeting_q4", "facebook", CH_PAID_SOCIAL, "Paid Social", 1.2),
    ("lookalike_trial", "facebook", CH_PAID_SOCIAL, "Paid Social", 0.9),
    ("abm_enterprise", "linkedin", CH_PAID_SOCIAL, "Paid Social", 8.5),
    ("data_leaders_2026", "linkedin", CH_PAID_SOCIAL, "Paid Social", 7.1),
    ("newsletter_weekly", "customerio", CH_EMAIL, "Email", 0.0),
    ("product_updates", "customerio", CH_EMAIL, "Email", 0.0),
    ("onboarding_drip", "customerio", CH_EMAIL, "Email", 0.0),
    ("warehouse_webinar", "zoom", CH_EVENT, "Webinar", 0.0),
    ("summit_2026", "event", CH_EVENT, "Conference", 0.0),
    ("partner_directory", "partner_portal", CH_PARTNER, "Partners", 0.0),
    ("agency_referrals", "agency", CH_PARTNER, "Partners", 0.0),
]
# --- causal lift per channel (attribution truth, docs/GENERATOR.md "Channel lift") ---------------------
# CHANNEL_LEAD_LIFT[c]: chance that ONE visit through channel c causes a form fill (a lead) the person would not
# otherwise have made; visits act independently: P(lead) = 1 - (1 - base(intent)) * prod_visits (1 - lift).
# CHANNEL_OPP_LIFT[c]: added to an account's opportunity logit when any of its people visited through channel c.
# Order of CHANNELS: paid_search, paid_social, organic_search, email, referral, direct, event, partner.
CHANNEL_LEAD_LIFT = [0.030, 0.006, 0.002, 0.015, 0.008, 0.0, 0.060, 0.040]
CHANNEL_OPP_LIFT = [0.45, 0.10, 0.0, 0.25, 0.10, 0.0, 0.80, 0.60]
LIFT_STREAM = 4_242_424  # seed of the separate sub-generator of lift-caused form fills
CAMPAIGN_MEDIUM = {CH_PAID_SEARCH: "cpc", CH_PAID_SOCIAL: "paid_social", CH_EMAIL: "email", CH_PARTNER: "partner"}
CLICK_ID_PARAM = {"google": "gclid", "facebook": "fbclid", "linkedin": "li_fat_id"}
ORGANIC_REFERRERS = ["https://www.google.com/", "https://www.bing.com/", "https://duckduckgo.com/"]
PARTNER_REFERRERS = ["https://blog.datapartner.io/posts/modern-data-stack", "https://news.ycombinator.com/item?id=4217",
                     "https://www.g2.com/categories/customer-data-platform", "https://medium.com/@growthlab/cdp-guide"]
SALES_CONTACT_FORM = "Sales Contact Form"

# --- pages -----------------------------------------------------------------------------------------
# (path, page name, title, intent affinity)  affinity > 0 -> more likely for high intent people
PAGES = [
    ("/", "Home", "GTMCloud | The customer data platform", 0.0),
    ("/pricing", "Pricing", "Pricing | GTMCloud", 1.5),
    ("/demo", "Demo", "Book a demo | GTMCloud", 1.2),
    ("/docs/getting-started", "Docs", "Getting started | GTMCloud Docs", 1.2),
    ("/docs/sources/javascript", "Docs", "JavaScript source | GTMCloud Docs", 1.3),
    ("/docs/destinations/warehouses", "Docs", "Warehouse destinations | GTMCloud Docs", 1.2),
    ("/docs/api/tracking", "Docs", "Tracking API | GTMCloud Docs", 1.4),
    ("/blog/what-is-a-cdp", "Blog", "What is a CDP? | GTMCloud Blog", -0.8),
    ("/blog/identity-resolution", "Blog", "Identity resolution explained | GTMCloud Blog", -0.3),
    ("/blog/attribution-models", "Blog", "Attribution models | GTMCloud Blog", -0.5),
    ("/customers", "Customers", "Customer stories | GTMCloud", 0.8),
    ("/product/connections", "Product", "Connections | GTMCloud", 0.6),
    ("/product/protocols", "Product", "Protocols | GTMCloud", 0.7),
    ("/product/audiences", "Product", "Audiences | GTMCloud", 0.5),
    ("/resources/ebooks/cdp-report-2026", "Ebook", "CDP report 2026 | GTMCloud", 0.2),
    ("/webinars/warehouse-first", "Webinar", "Warehouse-first CDP webinar | GTMCloud", 0.2),
    ("/careers", "Careers", "Careers | GTMCloud", -2.5),
]
P_HOME, P_PRICING, P_DEMO = 0, 1, 2
P_EBOOK, P_WEBINAR = 14, 15
SIGNUP_PAGE = ("/signup", "Signup", "Sign up | GTMCloud")
APP_PAGE = ("/app/overview", "App", "Overview | GTMCloud App")

# --- track events --------------------------------------------------------------------------------
# name as sent -> (has per-event table in the contract is derived from the contract itself)
EVENT_NAMES = [
    "CTA Clicked", "Docs Searched", "Experiment Viewed", "Content Downloaded", "Webinar Registered",
    "Demo Requested", "Signed Up", "Teammate Invited", "Feature Used", "Consent Preference Updated",
    "Workspace Created", "Source Added", "Destination Added", "Ticket Created", "NPS Survey Responded",
    "Email Delivered", "Email Opened", "Email Link Clicked", "API Key Created", "API Call Limit Reached",
    "Email Bounced", "Email Unsubscribed",
]
(E_CTA, E_DOCS_SEARCH, E_EXPERIMENT, E_CONTENT, E_WEBINAR, E_DEMO, E_SIGNUP, E_INVITE, E_FEATURE, E_CONSENT,
 E_WORKSPACE, E_SOURCE, E_DEST, E_TICKET, E_NPS, E_EMAIL_DELIVERED, E_EMAIL_OPENED, E_EMAIL_CLICKED,
 E_API_KEY, E_API_LIMIT, E_EMAIL_BOUNCED, E_EMAIL_UNSUBSCRIBED) = range(len(EVENT_NAMES))

# Features with launch dates as offsets (days) from the start of the period; negative = before it.
FEATURES = [("connections", -400), ("protocols", -200), ("audiences", -90), ("reverse_etl", 40),
            ("ai_traits", 110), ("journeys_v2", 150)]
# Raw table product.app_feature_launches: one row per feature above, with its documentation page.
FEATURE_DOCS_URL = "https://docs.gtmcloud.io/features/{}"
# Email deliverability (Email Bounced / Email Unsubscribed events): share of deliveries that bounce (of which
# hard, i.e. permanent) and share of opened emails followed by an unsubscribe.
EMAIL_BOUNCE_RATE = 0.03
EMAIL_HARD_BOUNCE_SHARE = 0.6
EMAIL_UNSUBSCRIBE_RATE = 0.05
# Share of active data sources that stopped sending at a random time before the end of the period.
SOURCE_STALE_RATE = 0.2
SOURCE_TYPES = [("javascript", "Website"), ("ios", "Mobile"), ("android", "Mobile"), ("python", "Server"),
                ("node", "Server"), ("http_api", "Server"), ("snowflake", "Warehouse"), ("hubspot", "Cloud App")]
DESTINATIONS = [("Snowflake", "Warehouse"), ("BigQuery", "Warehouse"), ("Amplitude", "Analytics"),
                ("Mixpanel", "Analytics"), ("HubSpot", "CRM"), ("Salesforce", "CRM"), ("Braze", "Marketing"),
                ("Google Ads", "Advertising"), ("Facebook Conversions API", "Advertising"), ("Webhooks", "Raw Data")]
CONTENT = [("ebook_cdp_report_2026", "CDP report 2026", "ebook"), ("wp_identity", "Identity resolution whitepaper", "whitepaper"),
           ("cs_retail", "Retail case study", "case_study")]
WEBINARS = [("web_warehouse_first", "Warehouse-first CDP", 60), ("web_attribution", "Attribution that works", 120)]
EMAIL_SUBJECTS = ["Welcome to GTMCloud", "Your weekly data digest", "New: Reverse ETL is here",
                  "Tips to get the most out of Protocols", "Your trial ends soon"]
TICKET_SUBJECTS = ["Events not showing up", "Destination sync failing", "Billing question", "SSO setup help",
                   "How do I add a source?", "API rate limit reached", "Delete user data request"]

# --- plans ---------------------------------------------------------------------------------------
PLANS = ["free", "team", "business", "enterprise"]
PLAN_MRR = [0.0, 120.0, 1_250.0, 6_000.0]
PLAN_DEAL = [0.0, 1_440.0, 15_000.0, 72_000.0]
