"""The back office's access decorators; they live in `accounts.agent_access` so that the
other doors with agents' pages (the statistics) share them."""

from guichet.accounts.agent_access import (  # noqa: F401
    admin_only,
    admin_required,
    agent_required,
    info_editor_required,
    supervisor_required,
)
