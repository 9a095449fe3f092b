"""The limits on the "Contact the implementer" form, counted by the ratelimits app."""

from ratelimits.counters import Limit

# Per client: what stops one client sending many (the form says so when over).
PER_CLIENT = Limit("contact-ip", 10, 3600)
# Per sender address: what stops someone flooding a stranger's inbox with verification e-mails (silent when over).
PER_SENDER = Limit("contact-sender", 5, 86400)
# Per initiative: what stops its contact person being flooded, however many addresses write (silent when over).
PER_INITIATIVE = Limit("contact-initiative", 20, 86400)
