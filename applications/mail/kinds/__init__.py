"""The kinds of email, declared by stage: each module holds the kinds of one stage (to applicants and to staff)
and the timings and text parts of that stage; :mod:`applications.mail.catalogue` assembles them."""
