"""Minutes: drafted from the record, approved side by side, exported as PDF, Word, Markdown.

The life of minutes:

    draft --circulate--> circulated (version 1) --every side approves--> adopted (locked)
                             |  a side asks for changes
                             +--revise--> circulated (version 2, no decision yet) ...

- Only a held meeting has minutes. While they are a draft, the structured parts
  (attendance, quorum, positions, outcomes, commitments) are rebuilt from the record on every
  view; the secretariat writes the narratives (introduction, a summary per item, closing).
- Circulating freezes the document into a numbered version and emails each approver of the
  sides that must approve: the party sides with members present (as the quorum counts them).
- An approver of such a side approves, approves with reservations (a text that goes into the
  minutes) or asks for changes (a general comment and a comment per item). One decision per
  side and version; the side may change it while the version is circulated.
- When every side that must approve has approved, the minutes are adopted: the version gets
  the decisions and the adoption date, its SHA-256 is stored, and nothing changes any more
  except dated addenda.

Where it lives: `queries` (reading the rows), `compose` (the document built from the record),
`reading` (which version a reader gets; differences), `drafting` (the draft and narratives),
`circulation` (versions and emails to approvers), `approval` (decisions, adoption, addenda).
Functions change the session and flush; the caller commits. Refusals are `Refused` (409),
bad input `Invalid` (422), a stale form `Stale` (409), a person who may not `Forbidden` (403).
"""
