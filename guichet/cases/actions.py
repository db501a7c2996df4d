"""The domain actions: the only code that writes cases, their journal and their messages.

Every door (portal, back office, API, e-mail, command line) calls these. Each runs in one
transaction, appends to the case's journal, and leaves side effects (e-mails, webhooks) to
the worker: the event is handed to the task queue once the transaction has committed.

They live by topic in guichet/cases/, each a `@domain_action` (cases/_common.py); this
module gathers them, so that callers write `actions.submit_case(...)`:

- intake.py: filing a case (`submit_case`);
- handling.py: the workflow's transitions, tacit decisions, assignment, transfer, following;
- messaging.py: messages and their attachments, internal notes, bounces, read marks;
- drafts.py: forms in progress;
- corrections.py: corrected answers, labels, links, merged duplicates;
- privacy.py: accounts and records, erasure, retention periods;
- mandates.py: a citizen's mandates to a helper;
- and, imported from their own modules, external.py (demands handled elsewhere),
  satisfaction.py and read_receipts.py.
"""

from ._common import MAX_MESSAGE_LENGTH, MAX_REASON_LENGTH, domain_action
from .corrections import (
    MAX_LABEL_LENGTH,
    MERGED_EXPLANATION,
    edit_answers,
    label_case,
    link_cases,
    merge_case,
    normalize_label,
)
from .drafts import MAX_DRAFT_SIZE, delete_draft, purge_drafts, request_draft_link, save_draft
from .handling import (
    CaseChanged,
    apply_tacit_decision,
    assign_case,
    delete_cases,
    follow_case,
    issue_tacit_certificate,
    transfer_case,
    transition_case,
)
from .intake import SCAN_FIELD, submit_case
from .mandates import active_mandate, grant_mandate, revoke_mandate
from .messaging import add_internal_note, mark_messages_read, post_message, record_contact_bounce
from .privacy import (
    ANONYMIZED_CONTACT_NAME,
    ERASED_CONTACT_NAME,
    KEPT_PAYLOAD_KEYS,
    RETENTION_BATCH,
    apply_retention,
    erase_citizen,
    erase_pending_contacts,
    expired_cases,
    link_cases_to_citizen,
    merge_citizen_records,
    months_before,
    retention_dry_run,
)

__all__ = [
    "ANONYMIZED_CONTACT_NAME",
    "ERASED_CONTACT_NAME",
    "KEPT_PAYLOAD_KEYS",
    "MAX_DRAFT_SIZE",
    "MAX_LABEL_LENGTH",
    "MAX_MESSAGE_LENGTH",
    "MAX_REASON_LENGTH",
    "MERGED_EXPLANATION",
    "RETENTION_BATCH",
    "SCAN_FIELD",
    "CaseChanged",
    "active_mandate",
    "add_internal_note",
    "apply_retention",
    "apply_tacit_decision",
    "assign_case",
    "delete_cases",
    "delete_draft",
    "domain_action",
    "edit_answers",
    "erase_citizen",
    "erase_pending_contacts",
    "expired_cases",
    "follow_case",
    "grant_mandate",
    "issue_tacit_certificate",
    "label_case",
    "link_cases",
    "link_cases_to_citizen",
    "mark_messages_read",
    "merge_case",
    "merge_citizen_records",
    "months_before",
    "normalize_label",
    "post_message",
    "purge_drafts",
    "record_contact_bounce",
    "request_draft_link",
    "retention_dry_run",
    "revoke_mandate",
    "save_draft",
    "submit_case",
    "transfer_case",
    "transition_case",
]
