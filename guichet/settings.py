"""Guichet settings: one module, every deployment knob read from the environment.

Each variable is documented in docs/configuration.md. The defaults are safe for a laptop:
SQLite in a local folder, e-mail printed on the console, DEBUG off.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("GUICHET_DATA_DIR", PROJECT_DIR / "var"))

DEBUG = envbool("DEBUG", False)
# A machine to try Guichet on (`make run` sets it): the demo data may be loaded, static and
# uploaded files are served from the apps without collectstatic, text messages are printed on
# the console. DEBUG stays off, so visitors see Guichet's own error pages in their language.
GUICHET_DEMO = envbool("GUICHET_DEMO", False)
# Served over HTTPS: a real deployment (secure cookies, HSTS; see further down).
HTTPS = envbool("HTTPS", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # The development key is public (it is in this file): a deployment that runs without
    # DEBUG or the demo and is served over HTTPS, or says GUICHET_INSECURE_DEV_KEY=0, refuses
    # to start with it rather than sign its sessions and links with a key anyone can read.
    insecure_allowed = envbool("GUICHET_INSECURE_DEV_KEY", not HTTPS)
    if not (DEBUG or GUICHET_DEMO or insecure_allowed):
        raise RuntimeError(
            "SECRET_KEY must be set in production (a long random string, kept out of the "
            "repository); see docs/configuration.md."
        )
    # A development-only key; docs/configuration.md says to set SECRET_KEY in production.
    SECRET_KEY = "guichet-insecure-development-key-set-SECRET_KEY-in-production"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,.localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

# The address that e-mails use for links when an organization has no host name of its own
# (`make run` sets it from HOST and PORT). An organization's host name takes its port.
GUICHET_BASE_URL = (os.environ.get("GUICHET_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # django.contrib.admin behind Guichet's login (rate limits, second factor, idle expiry).
    "guichet.accounts.admin_apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "guichet.core",
    "guichet.accounts",
    "guichet.organization",
    "guichet.catalog",
    "guichet.cases",
    "guichet.notify",
    "guichet.appointments",
    "guichet.portal",
    "guichet.backoffice",
    "guichet.api",
    "guichet.stats",
    "guichet.demo",
    # After Guichet's apps, so that Guichet's templates override allauth's.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "allauth.socialaccount.providers.openid_connect",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "guichet.core.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "guichet.organization.middleware.OrganizationMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Before any view reads the body (the CSRF check does): an oversized upload gets a 413.
    "guichet.core.middleware.UploadLimitMiddleware",
    "guichet.core.middleware.RejectNulBytesInFormsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "guichet.core.middleware.SecurityHeadersMiddleware",
    "guichet.core.middleware.FormErrorStatusMiddleware",
]

ROOT_URLCONF = "guichet.urls"
WSGI_APPLICATION = "guichet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guichet.organization.context_processors.organization",
                "guichet.core.context_processors.maps",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'guichet.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The web process and the worker share one file: WAL lets readers and a writer work
    # together, IMMEDIATE transactions make writers queue up on the busy timeout instead of
    # failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("GUICHET_TEST_SQLITE_NAME")}
# A PostgreSQL read replica (streaming standby) for the heavy reads that opt in, the
# statistics and the exports (guichet/core/replica.py, docs/deployment.md); writes and every
# other read stay on "default". In tests the alias mirrors "default".
GUICHET_REPLICA_URL = os.environ.get("GUICHET_REPLICA_URL", "")
if GUICHET_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(GUICHET_REPLICA_URL, conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["guichet.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks -----------------------------------------------------------------------
# Redis (GUICHET_REDIS_URL, e.g. redis://127.0.0.1:6379/0) for several web processes and
# workers: the cache and the sessions live there, and, with
# GUICHET_TASKS_BACKEND=django_tasks_rq.RQBackend, the task queue (docs/deployment.md).
GUICHET_REDIS_URL = os.environ.get("GUICHET_REDIS_URL", "")
TASKS = {
    "default": {
        "BACKEND": os.environ.get("GUICHET_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
GUICHET_TASKS_ON_RQ = TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
if GUICHET_TASKS_ON_RQ:
    if not GUICHET_REDIS_URL:
        raise RuntimeError(
            "GUICHET_TASKS_BACKEND=django_tasks_rq.RQBackend needs GUICHET_REDIS_URL."
        )
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": GUICHET_REDIS_URL, "DEFAULT_TIMEOUT": 600}}
# Functions called with each new journal event, by the worker (see guichet/cases/tasks.py).
GUICHET_EVENT_SUBSCRIBERS = [
    "guichet.notify.handlers.on_case_event",
    "guichet.notify.webhooks.on_case_event",
    "guichet.notify.followers.on_case_event",
    # Agents' notifications (list, e-mail at once or in the daily digest).
    "guichet.notify.agents.on_case_event",
    # The satisfaction survey, once per case, when it closes.
    "guichet.notify.satisfaction.on_case_event",
]
# Told of each status of a demand another system handles (guichet/cases/external.py).
GUICHET_EXTERNAL_DEMAND_SUBSCRIBERS = ["guichet.notify.external.on_external_update"]
# Work the worker starts on a schedule: (dotted path of a task, interval in seconds).
GUICHET_PERIODIC_TASKS = [
    ("guichet.cases.tasks.dispatch_pending_events", 60),
    ("guichet.cases.external.dispatch_pending_external_updates", 60),
    ("guichet.notify.tasks.send_pending_emails", 60),
    ("guichet.notify.tasks.send_pending_sms", 60),
    ("guichet.notify.webhooks.send_pending_webhooks", 60),
    # Inbound e-mail: the mailboxes read by IMAP (guichet/notify/imap.py).
    ("guichet.notify.tasks.poll_mailboxes", envint("GUICHET_IMAP_POLL_SECONDS", 60)),
    # Silence vaut accord / rejet: cases whose deadline has passed get their tacit decision.
    ("guichet.cases.tasks.apply_tacit_decisions", 300),
    ("guichet.cases.tasks.purge_old_drafts", 3600),
    # Retention: deleted accounts' requests lose their contact details once closed.
    ("guichet.cases.tasks.erase_contacts_of_closed_cases", 3600),
    # Retention periods of the procedures: closed cases anonymized or deleted when they end.
    ("guichet.cases.tasks.apply_retention_periods", 3600),
    # Exports of the inbox prepared in the background: deleted with their files once old.
    ("guichet.backoffice.tasks.purge_old_exports", 3600),
    # Statistics: the aggregates of the dashboards and public pages follow the journal.
    ("guichet.stats.tasks.count_new_events", 60),
    # Appointments: the reminder the day before.
    ("guichet.appointments.tasks.send_reminders", 600),
    # Agents' notifications: deadlines at risk, and the daily digest once its hour is past.
    ("guichet.notify.tasks.notify_deadlines_at_risk", 3600),
    ("guichet.notify.tasks.send_agent_digests", 300),
    # Appointments: offers to the waiting list expire, the next in line gets the slot.
    ("guichet.appointments.tasks.sweep_waiting_lists", 300),
]
# Agents' daily digest of notifications: sent from this hour (Europe/Paris, 0-23).
GUICHET_AGENT_DIGEST_HOUR = envint("GUICHET_AGENT_DIGEST_HOUR", 7)
# Agents are told of a case whose due date is within this many business days.
GUICHET_AGENT_DEADLINE_DAYS = envint("GUICHET_AGENT_DEADLINE_DAYS", 2)
# The link of a satisfaction survey works this many days after the case closed.
GUICHET_SATISFACTION_LINK_DAYS = envint("GUICHET_SATISFACTION_LINK_DAYS", 60)
# The largest raw mail that POST /inbound/email/ takes (bytes); larger ones get 413.
GUICHET_INBOUND_MAX_BYTES = envint("GUICHET_INBOUND_MAX_BYTES", 30 * 1024 * 1024)
# Webhooks of the workflows: refused towards private networks unless allowed (SSRF), given
# up after this many attempts, each waiting this many seconds at most.
GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS = envbool("GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS", False)
GUICHET_WEBHOOK_MAX_ATTEMPTS = envint("GUICHET_WEBHOOK_MAX_ATTEMPTS", 10)
GUICHET_WEBHOOK_TIMEOUT = envint("GUICHET_WEBHOOK_TIMEOUT", 10)
# How long the calls of a webhook subscription are retried, in hours.
GUICHET_WEBHOOK_RETRY_HOURS = envint("GUICHET_WEBHOOK_RETRY_HOURS", 24)
# Text messages to the citizens who ask for them (see guichet/notify/sms.py): empty turns
# SMS off, "console:" writes them to the log, an http(s) address is the gateway they are
# POSTed to, with GUICHET_SMS_TOKEN as a bearer token. The sender name is at most 11 letters.
GUICHET_SMS_URL = os.environ.get("GUICHET_SMS_URL", "console:" if DEBUG or GUICHET_DEMO else "")
GUICHET_SMS_TOKEN = os.environ.get("GUICHET_SMS_TOKEN", "")
GUICHET_SMS_SENDER = os.environ.get("GUICHET_SMS_SENDER", "Guichet")
GUICHET_SMS_TIMEOUT = envint("GUICHET_SMS_TIMEOUT", 10)
# Likely duplicates shown on a case's page: the same procedure, filed within this many days,
# within this many metres or worded alike.
GUICHET_DUPLICATE_DAYS = envint("GUICHET_DUPLICATE_DAYS", 30)
# Public statistics and open data: a count below this many cases is not shown (nor the
# median or on-time share computed from it): small numbers mislead and may point at someone.
GUICHET_STATS_MIN_CASES = envint("GUICHET_STATS_MIN_CASES", 5)
# The dashboard's "overdue now" is counted live on the open cases' index; from this many,
# the count is kept a minute per scope (2 million overdue cases take half a second to count).
GUICHET_STATS_OVERDUE_CACHE_FROM = envint("GUICHET_STATS_OVERDUE_CACHE_FROM", 10_000)
GUICHET_DUPLICATE_RADIUS_M = envint("GUICHET_DUPLICATE_RADIUS_M", 250)
# Forms in progress left untouched this many days are deleted.
# How long a slot freed up stays held for the person of the waiting list it is offered to.
GUICHET_WAITING_OFFER_HOURS = envint("GUICHET_WAITING_OFFER_HOURS", 2)
GUICHET_DRAFT_MAX_AGE_DAYS = envint("GUICHET_DRAFT_MAX_AGE_DAYS", 30)
# The function that e-mails a citizen the link to resume a draft (a door: named, not imported).
GUICHET_DRAFT_LINK_SENDER = "guichet.notify.drafts.send_draft_link"
# The free slots that a form's "slot" item offers (the catalog sits below the appointments).
GUICHET_SLOT_CHOICES = "guichet.appointments.procedure.slot_choices"
# Inbox exports of views of at least this many cases are prepared by the worker (a progress
# bar, then a link) rather than sent at once; their files are deleted after this many hours.
GUICHET_EXPORT_BACKGROUND_FROM = envint("GUICHET_EXPORT_BACKGROUND_FROM", 1000)
GUICHET_EXPORT_KEEP_HOURS = envint("GUICHET_EXPORT_KEEP_HOURS", 24)

# --- Maps (Leaflet) ---------------------------------------------------------------------------
# The tile server of the maps where citizens place a point; its origin is allowed by the CSP.
# Empty: maps show no background, a point can still be placed.
GUICHET_MAP_TILES_URL = os.environ.get(
    "GUICHET_MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
GUICHET_MAP_ATTRIBUTION = os.environ.get(
    "GUICHET_MAP_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
)
# Where a map opens when no point is set yet: "latitude,longitude" and a zoom level.
GUICHET_MAP_CENTER = os.environ.get("GUICHET_MAP_CENTER", "46.6034,1.8883")
GUICHET_MAP_ZOOM = envint("GUICHET_MAP_ZOOM", 6)
# The back office's map of cases shows at most this many of the current view (a browser
# clusters some thousands of markers easily; more would make the page slow).
GUICHET_MAP_MAX_POINTS = envint("GUICHET_MAP_MAX_POINTS", 5000)

# The address search of location fields: a geocoder with the Base Adresse Nationale's API
# (the national one, or an addok server of one's own). Only the server calls it. Empty: off.
GUICHET_GEOCODER_URL = os.environ.get("GUICHET_GEOCODER_URL", "https://api-adresse.data.gouv.fr")
# Searches per minute and client address through Guichet's proxy (as-you-type suggestions).
GUICHET_GEOCODER_RATE_LIMIT = envint("GUICHET_GEOCODER_RATE_LIMIT", 60)

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Citizens' accounts (django-allauth): the e-mail address is the login, and it is verified
# before the account is used (and before earlier cases join it).
ACCOUNT_ADAPTER = "guichet.accounts.adapter.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_FORMS = {"login": "guichet.accounts.forms.LoginForm"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# One address per account; a new address replaces the old one once verified.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# Login with an OpenID Connect provider: FranceConnect or the collectivité's own identity
# provider (docs/configuration.md). None without GUICHET_OIDC_SERVER_URL.
SOCIALACCOUNT_ADAPTER = "guichet.accounts.adapter.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"  # the provider vouches for the address it gives
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}}
if os.environ.get("GUICHET_OIDC_SERVER_URL"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": os.environ.get("GUICHET_OIDC_ID", "oidc"),
            "name": os.environ.get("GUICHET_OIDC_NAME", "FranceConnect"),
            "client_id": os.environ.get("GUICHET_OIDC_CLIENT_ID", ""),
            "secret": os.environ.get("GUICHET_OIDC_CLIENT_SECRET", ""),
            "settings": {
                "server_url": os.environ["GUICHET_OIDC_SERVER_URL"],
                "scope": os.environ.get(
                    "GUICHET_OIDC_SCOPES", "openid given_name family_name email birthdate"
                ).split(),
                "auth_params": (
                    {"acr_values": os.environ["GUICHET_OIDC_ACR_VALUES"]}
                    if os.environ.get("GUICHET_OIDC_ACR_VALUES")
                    else {}
                ),
            },
        }
    )
# Second factor (allauth.mfa): codes of an authenticator app, and recovery codes for when the
# phone is lost. Organizations may require it of their agents (Organization.agents_mfa_required).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("GUICHET_MFA_ISSUER", "Guichet")
# Failed logins and reset requests are limited per address and per client (allauth's
# syntax: "count/period" with s, m, h or d), in the cache. Wrong passwords: per client address
# (GUICHET_LOGIN_RATE_LIMIT), and per account a wait that doubles with each failure past the
# first GUICHET_LOGIN_BACKOFF_AFTER, from GUICHET_LOGIN_BACKOFF_START seconds up to
# GUICHET_LOGIN_BACKOFF_MAX (accounts/backoff.py: no lock-out; an account with an
# authenticator app gets in with its code meanwhile). allauth's `login_failed` limit below
# counts the wrong codes of the second factor, per client address and per account.
GUICHET_LOGIN_RATE_LIMIT = os.environ.get("GUICHET_LOGIN_RATE_LIMIT", "10/m/ip")
GUICHET_LOGIN_BACKOFF_AFTER = envint("GUICHET_LOGIN_BACKOFF_AFTER", 5)
GUICHET_LOGIN_BACKOFF_START = envint("GUICHET_LOGIN_BACKOFF_START", 30)
GUICHET_LOGIN_BACKOFF_MAX = envint("GUICHET_LOGIN_BACKOFF_MAX", 900)
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/h/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_email": "1/m/user",
}
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "backoffice:login"
# Citizens land in their space; the back office's login sends agents to their inbox.
LOGIN_REDIRECT_URL = "portal:my_space"
LOGOUT_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Internationalization -------------------------------------------------------------------
LANGUAGE_CODE = "fr"
# Interface strings are written in French (the msgids); locale/en holds the English.
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or GUICHET_DEMO
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploaded and generated files (attachments, documents, exports, logos) on S3-compatible
# object storage when GUICHET_S3_BUCKET is set, so that every machine sees the same files.
# They stay private: Guichet checks access and streams them itself (docs/deployment.md).
GUICHET_S3_BUCKET = os.environ.get("GUICHET_S3_BUCKET", "")
if GUICHET_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": GUICHET_S3_BUCKET,
            "endpoint_url": os.environ.get("GUICHET_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("GUICHET_S3_REGION") or None,
            "access_key": os.environ.get("GUICHET_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("GUICHET_S3_SECRET_KEY") or None,
            "location": os.environ.get("GUICHET_S3_PREFIX", ""),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Serve straight from the apps when there is no collectstatic (DEBUG, the demo, tests).
WHITENOISE_USE_FINDERS = DEBUG or GUICHET_DEMO or envbool("WHITENOISE_USE_FINDERS", False)
# The demo is where people edit the templates and the style sheet: files are looked up anew.
WHITENOISE_AUTOREFRESH = DEBUG or GUICHET_DEMO
# Uploads: a citizen's attachment may not exceed this size (bytes).
GUICHET_MAX_UPLOAD_SIZE = envint("GUICHET_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)
# A request body larger than this is refused (413) before it is read: room for a few files.
GUICHET_MAX_REQUEST_SIZE = envint(
    "GUICHET_MAX_REQUEST_SIZE", 5 * GUICHET_MAX_UPLOAD_SIZE + 1024 * 1024
)
# Optional antivirus: clamd's address, "host:port" or the path of its unix socket. Empty: off.
GUICHET_CLAMD = os.environ.get("GUICHET_CLAMD", "")
GUICHET_CLAMD_TIMEOUT = envint("GUICHET_CLAMD_TIMEOUT", 30)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024


# --- E-mail ---------------------------------------------------------------------------------
def _email_settings(url: str) -> dict:
    """Reads EMAIL_URL: console://, locmem://, file:///path or smtp[s]://user:pass@host:port."""
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
        "submission": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parts.scheme not in backends:
        raise RuntimeError(f"EMAIL_URL: unknown scheme {parts.scheme!r}")
    result = {"EMAIL_BACKEND": backends[parts.scheme]}
    if parts.scheme == "file":
        result["EMAIL_FILE_PATH"] = parts.path
    elif backends[parts.scheme].endswith("smtp.EmailBackend"):
        result.update(
            EMAIL_HOST=parts.hostname or "localhost",
            EMAIL_PORT=parts.port or (465 if parts.scheme == "smtps" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=parts.scheme == "smtps",
            EMAIL_USE_TLS=parts.scheme == "submission" or query.get("tls") in {"1", "true"},
            EMAIL_TIMEOUT=int(query.get("timeout", 20)),
        )
    return result


globals().update(_email_settings(os.environ.get("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Guichet <ne-pas-repondre@guichet.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Cache and sessions ---------------------------------------------------------------------
# Sessions in the database, renewed at most once a minute (guichet.core.sessions).
SESSION_ENGINE = "guichet.core.sessions"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "guichet_cache",
    }
}
if GUICHET_REDIS_URL:
    # Shared by every web process and worker, without a write to the database per request.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": GUICHET_REDIS_URL,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions expire after this many seconds of inactivity (renewed on each request); agents'
# sooner, from their first page of the back office on.
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
GUICHET_AGENT_SESSION_IDLE = envint("GUICHET_AGENT_SESSION_IDLE", 2 * 3600)
# How long an agent's invitation link stays valid (guichet.accounts.invitations).
GUICHET_INVITATION_DAYS = envint("GUICHET_INVITATION_DAYS", 7)
SESSION_SAVE_EVERY_REQUEST = True

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"  # links in allauth's e-mails
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and envbool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies in front of Guichet that append the client's address to X-Forwarded-For:
# every rate limit (Guichet's and allauth's) keys on the address the outermost of them saw.
# 0 (the default) ignores the header: the connection's address is the client's.
GUICHET_TRUSTED_PROXIES = envint("GUICHET_TRUSTED_PROXIES", 0)
# Tracking-page look-ups allowed per client address and per 10 minutes.
GUICHET_TRACKING_RATE_LIMIT = envint("GUICHET_TRACKING_RATE_LIMIT", 20)
# Requests filed on the portal per hour: per client address (anonymous visitors: a family,
# or a France Services adviser filing for the people they help, stays well below), per
# signed-in account, and acknowledgements sent to one e-mail address (a stranger's address
# cannot be flooded). Each filing sends an e-mail to an address the visitor chose.
GUICHET_SUBMISSION_RATE_LIMIT = envint("GUICHET_SUBMISSION_RATE_LIMIT", 10)
GUICHET_SUBMISSION_RATE_LIMIT_SIGNED_IN = envint("GUICHET_SUBMISSION_RATE_LIMIT_SIGNED_IN", 30)
GUICHET_ACKNOWLEDGEMENT_RATE_LIMIT = envint("GUICHET_ACKNOWLEDGEMENT_RATE_LIMIT", 5)
# A request sent less than this many seconds after its form was started is a robot's.
GUICHET_SUBMISSION_MIN_SECONDS = envint("GUICHET_SUBMISSION_MIN_SECONDS", 5)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
