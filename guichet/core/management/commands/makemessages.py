"""makemessages without fuzzy matching: a guessed translation is worse than none, since the
test suite then points at the untranslated entry instead of shipping a wrong one."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
