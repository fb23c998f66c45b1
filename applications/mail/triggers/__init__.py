"""Every function that writes mail to the outbox, by audience and phase; what each kind is, is the catalogue.

- :mod:`.applicant`: receipt, draft links and reminders, codes, manage links, withdrawal,
  duplicate attempts, erasure done;
- :mod:`.results`: the result of document screening (and its corrections), "still reviewing",
  the final decision;
- :mod:`.staff`: deadline digests, shortlist notices, erasure requests;
- :mod:`.messages`: "a message is waiting" to the applicant and "an answer came" to staff, neither with
  what was written.

A change writes its mail in its own transaction: the feature service calls the trigger inside
it (docs/adr/0004). Each message has a key (kind, object, window), so running any trigger twice
(a doubled or restarted beat, a retried task) writes it once. The scheduled ones
(``reminders_send``, ``deadline_digests_send``, ``still_reviewing_send``) are run by beat through
``applications.tasks`` and take ``now``. Triggers import no feature package: they are given what
they need (model instances, values, and for staff mail who holds a power on the call).
"""
