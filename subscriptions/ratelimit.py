"""The limits on the subscribe form, counted by the ratelimits app (shared by every server process)."""

from ratelimits.counters import Limit

# Subscribe-form attempts: per e-mail address (what stops someone flooding a stranger's inbox), per client (what
# stops one client trying many addresses), and per account for one-click subscriptions (which send no e-mail).
PER_ADDRESS = Limit("subscribe-address", 5, 3600)
PER_CLIENT = Limit("subscribe-ip", 20, 3600)
PER_ACCOUNT = Limit("subscribe-account", 60, 3600)
