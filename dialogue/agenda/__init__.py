"""Agendas: items, documents, each side's positions and the outcome of each item.

Where it lives: `checks` (what forms and the API send, and what is wrong with it), `reading`
(items with the positions a reader may see, the schedule, the agenda view), `editing`
(adding, changing, moving, removing items and documents), `positions` (each side's position
and the item's outcome). Handlers (HTML and JSON) parse their input and call these;
functions flush but never commit: the handler commits after a successful write.
"""
