"""Property-based tests (hypothesis): random and hostile values in every query parameter and every form.

Settings: ``HYPOTHESIS_PROFILE=thorough`` (tenfold examples) for a long hunt; the default keeps the suite quick.
Nothing is written to a ``.hypothesis/`` directory (``database=None``); a failure prints the blob that replays it
(``@reproduce_failure``).
"""

import os

from hypothesis import Phase, settings

# No "explain" phase: on a failure it replays the example hundreds of times (minutes, with a database) to say
# which parts of it matter; the shrunk example and its traceback are enough.
PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink]
settings.register_profile("properties", max_examples=30, deadline=None, database=None, print_blob=True, phases=PHASES)
settings.register_profile("thorough", settings.get_profile("properties"), max_examples=300)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "properties")
if PROFILE not in ("properties", "thorough"):
    PROFILE = "properties"


def examples(share: float = 1.0) -> settings:
    """The profile's settings with ``share`` of its examples (at least 5): for tests generated per URL."""
    profile = settings.get_profile(PROFILE)
    return settings(profile, max_examples=max(5, round(profile.max_examples * share)))
