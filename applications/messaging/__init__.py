"""Messages without contact details, and the applicant's status page on the manage link.

City staff and the call's contractors write to an applicant about one candidacy from its
screening page (``message_send``); the applicant reads and answers from the manage link
(``message_answer``), with an optional file checked like the wizard's uploads. Neither side
learns the other's address: the applicant is told by email that a message waits (no body in the
mail), staff are told that an answer came (no personal data). ``status`` computes what the
manage page shows per role, from the recorded facts (outcomes told, invitations, bookings,
decisions mailed) and never earlier than the applicant's mail.

Who may write is ``teams.authority`` (``Power.MESSAGE``); what staff see of the applicant in a
thread is ``screening.visibility``; every message is in the screening audit log.
"""
