"""Imported first by the fork server of the export processes (`render_pool.PRELOAD`), never
by the server: it lowers the fork server's priority before the seconds of importing
WeasyPrint, and every worker forked from it starts at that priority."""

from dialogue.minutes.priority import lower_priority

lower_priority()
