"""Which subscriptions an initiative matches, and sending alerts and digests: each initiative once per subscription.

Immediate alerts (``tasks.send_immediate_alerts``, one task per newly published initiative) and digests
(``manage.py send_digests``) go through the same two steps:

1. **Record what is owed.** The subscriptions concerned are grouped by their query string; each distinct query
   runs the one listing definition (``Listing``) once over the candidate initiatives, and the result is
   fanned out to the subscriptions that follow it, keeping for each only what was published after it started
   (``confirmed_at``, or ``since`` once digests moved it on). One ``Delivery`` row per (subscription, initiative)
   is inserted with ``ignore_conflicts``: the unique constraint makes a second insert, by a re-run or a second
   worker, do nothing.
2. **Send what is owed and not yet sent**, one e-mail per address and language (a digest) or per address, language
   and initiative (an alert), over one SMTP connection opened once for the run. Each e-mail is its own
   transaction: its unsent delivery rows are locked (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL, so a
   second worker passes over an address another one is sending to; SQLite serialises writers), checked again
   (still active, address not suppressed, initiative still published: a row marked sent by another worker
   meanwhile is no longer there), the e-mail is sent, ``sent_at`` is set, and the transaction commits. A worker
   that finds only some of an e-mail's rows free sends nothing then, and comes back to that e-mail at the end of
   its run, waiting for the other worker's lock: an address never gets its e-mail in two halves from two workers.

Exactly once, with one honest edge: rows are only marked sent after the mail server accepted the e-mail, so
nothing is ever skipped, and a committed mark is never sent again. A process killed (or a database lost) after
the server accepted an e-mail and before its transaction committed leaves that one e-mail's rows unsent, and the
next run sends that e-mail again: at most one duplicate e-mail per crash, never a lost one. No design can do
better with SMTP, which cannot take part in the database's transaction. What this design adds is that the copy
is the *same* e-mail: its Message-ID is a function of what it is (``message_id``: the address and initiative of
an alert, the delivery rows of a digest), never of the attempt, so mail stores that collapse one Message-ID
(Gmail, Sieve's ``duplicate``, most list and archive software) show it once. The Message-ID is kept on the rows
when they are marked sent, so a bounce or complaint quoting it leads back to them.

Why resend rather than treat an interrupted e-mail as sent: a worker killed inside an SMTP transaction was, far
more often than not, killed *before* the server accepted (an SMTP transaction takes milliseconds to seconds; the
window between the server's acceptance and the commit, one database round trip), and treating those as sent
would lose them. Why no "sending" mark committed before the SMTP transaction, with a lease: the row lock held
while sending already is that lease, held exactly as long as the sender's database connection lives (PostgreSQL
releases it the moment a killed worker's connection closes), so another worker neither sends an e-mail in flight
nor waits a lease out for one whose sender died; and what a recovering worker would do with such a mark (send
again, same Message-ID) is what it does without it.

Digests: a subscription is *due* when its last digest covered up to at least three quarters of a period ago
(so cron's jitter never skips a day, and a second run on the same day finds nothing due). A digest run moves
``since`` of the subscriptions it recorded to ten minutes (``SETTLE``) before its start, in the transaction that
inserts their deliveries: an initiative whose publication committed just after the run looked is seen by the next
one (and the unique constraint keeps the overlap from sending anything twice).

In a digest an initiative appears once, in the section of the first of the person's subscriptions that it
matches (sections follow the subscriptions' labels), with a note naming the others; all its deliveries are then
marked sent.

Languages: each e-mail is written in its subscriptions' language (``Subscription.language``): words, dates, the
initiatives' text, and every link, reversed in it (so it leads to the pages in that language). The subscriptions of
one address in two languages get one e-mail in each, never one in a language some of them did not choose: someone
who wants a single digest chooses one language on the manage pages. Each initiative's part is rendered once per
language in a run, and the plan reads the language with the address, so a run's queries do not grow with the
number of languages.
"""

import datetime
import logging
import smtplib
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core import mail as django_mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

from initiatives.listing import Listing
from initiatives.models import Initiative
from portal import mail
from portal.addresses import canonical_or_none

from .models import Delivery, Subscription, SuppressedAddress
from .services import email_language, listing_path
from .tokens import manage_url, one_click_unsubscribe_url, unsubscribe_url

logger = logging.getLogger(__name__)

Frequency = Subscription.Frequency
Status = Subscription.Status

PERIODS = {Frequency.DAILY: datetime.timedelta(days=1), Frequency.WEEKLY: datetime.timedelta(days=7)}
# A digest is due once three quarters of its period have passed since the last one.
DUE_AFTER = 0.75
# How far back of its start a digest run leaves ``since``: a publication committing late is still seen.
SETTLE = datetime.timedelta(minutes=10)
INSERT_BATCH_SIZE = 2000
UPDATE_BATCH_SIZE = 1000

# Refusals that concern one e-mail (a recipient refused, the message rejected): it stays unsent, the run goes on.
# Anything else the mail server raises (disconnected, unreachable) stops the run; the caller decides what next.
MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)

ProgressCallback = Callable[[int, int], None]


# --- who is sent anything ---------------------------------------------------------------------------------------


def _suppressed(email_ref) -> QuerySet:
    """Suppressed addresses equal to ``email_ref``: both columns hold canonical forms (portal/addresses.py)."""
    return SuppressedAddress.objects.filter(email=email_ref)


def receiving(frequency: str) -> QuerySet:
    """Active subscriptions at ``frequency`` whose address is not suppressed: the only ones ever sent anything."""
    return Subscription.objects.filter(status=Status.ACTIVE, frequency=frequency).exclude(
        Exists(_suppressed(OuterRef("email")))
    )


def owed(frequency: str) -> QuerySet:
    """Deliveries still to send: unsent, to a receiving subscription at ``frequency``, of a published initiative."""
    return Delivery.objects.filter(
        sent_at__isnull=True,
        subscription__status=Status.ACTIVE,
        subscription__frequency=frequency,
        initiative__status=Initiative.Status.PUBLISHED,
    ).exclude(Exists(_suppressed(OuterRef("subscription__email"))))


def suppress(*, email: str, reason: str = "", dry_run: bool = False) -> tuple[SuppressedAddress, bool]:
    """Stop sending anything to ``email`` (it bounces, or complained). Returns the record and whether it is new."""
    address = canonical_or_none(email)
    existing = SuppressedAddress.objects.filter(email=address).first() if address else None
    if existing is not None:
        return existing, False
    record = SuppressedAddress(email=address or email.strip(), reason=reason[:200])
    record.full_clean()
    if not dry_run:
        record.save()
    return record, True


# --- matching ----------------------------------------------------------------------------------------------------


def starts(subscription: Subscription) -> datetime.datetime:
    """The moment from which what is published concerns ``subscription``."""
    moments = [moment for moment in (subscription.confirmed_at, subscription.since) if moment is not None]
    return max(moments)


def matching(subscriptions: Iterable[Subscription], candidates: dict[int, datetime.datetime]) -> dict[int, list[int]]:
    """For each subscription (by pk), the candidate initiatives its listing shows that were published after it started.

    ``candidates`` maps initiative pks to their ``published_at``. Each distinct query selects from the candidates once
    (``Listing(..., within=...)``), whatever the number of subscriptions following it.
    """
    if not candidates:
        return {}
    by_query: dict[str, list[Subscription]] = defaultdict(list)
    for subscription in subscriptions:
        by_query[subscription.query].append(subscription)
    base = Initiative.objects.published().filter(pk__in=list(candidates))
    matches: dict[int, list[int]] = {}
    for query, followers in by_query.items():
        shown = Listing(QueryDict(query), within=base).rows.order_by().values_list("pk", flat=True)
        shown = sorted(shown)
        if not shown:
            continue
        for subscription in followers:
            start = starts(subscription)
            mine = [pk for pk in shown if candidates[pk] >= start]
            if mine:
                matches[subscription.pk] = mine
    return matches


def _insert(matches: dict[int, list[int]]) -> int:
    """Insert the delivery rows, in one order for every worker (so that two never deadlock on them)."""
    rows = [
        Delivery(subscription_id=subscription_id, initiative_id=initiative_id)
        for subscription_id, initiative_ids in sorted(matches.items())
        for initiative_id in initiative_ids
    ]
    Delivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=INSERT_BATCH_SIZE)
    return len(rows)


@dataclass
class Recorded:
    subscriptions: int = 0  # due (digests) or following (alerts)
    candidates: int = 0  # initiatives looked at
    queries: int = 0  # distinct queries run
    matches: int = 0  # (subscription, initiative) pairs, including those recorded before
    matched: set[int] = field(default_factory=set)  # the subscriptions with at least one match


def record_alert(*, initiative: Initiative) -> Recorded:
    """Record the deliveries of a newly published initiative to the immediate subscriptions it matches."""
    if not initiative.is_published() or initiative.published_at is None:
        return Recorded()
    following = list(receiving(Frequency.IMMEDIATE).only("pk", "query", "confirmed_at", "since"))
    matches = matching(following, {initiative.pk: initiative.published_at})
    with transaction.atomic():
        count = _insert(matches)
    return Recorded(len(following), 1, len({s.query for s in following}), count, set(matches))


def due(frequency: str, *, now: datetime.datetime) -> QuerySet:
    """Receiving subscriptions at ``frequency`` whose last digest is at least ``DUE_AFTER`` of a period old."""
    before = now - PERIODS[frequency] * DUE_AFTER
    return receiving(frequency).filter(Q(since__lte=before) | Q(since__isnull=True, confirmed_at__lte=before))


def record_digest(*, frequency: str, now: datetime.datetime | None = None, dry_run: bool = False) -> Recorded:
    """Record the deliveries of a digest run and move the due subscriptions' ``since`` on, in one transaction.

    The due subscriptions are locked in primary-key order first, so that a second run waits for this one and then
    finds them no longer due (rather than both doing the matching, or deadlocking).
    """
    now = now or timezone.now()
    with transaction.atomic():
        subscriptions = list(
            due(frequency, now=now)
            .select_for_update(of=("self",))
            .order_by("pk")
            .only("pk", "query", "confirmed_at", "since")
        )
        if not subscriptions:
            return Recorded()
        oldest = min(starts(subscription) for subscription in subscriptions)
        candidates = dict(
            Initiative.objects.published()
            .filter(published_at__gte=oldest, published_at__lte=now)
            .values_list("pk", "published_at")
        )
        matches = matching(subscriptions, candidates)
        recorded = Recorded(
            len(subscriptions),
            len(candidates),
            len({s.query for s in subscriptions}),
            sum(len(ids) for ids in matches.values()),
            set(matches),
        )
        if dry_run:
            return recorded
        _insert(matches)
        moved_to = now - SETTLE
        pks = [subscription.pk for subscription in subscriptions]
        for start in range(0, len(pks), UPDATE_BATCH_SIZE):
            Subscription.objects.filter(pk__in=pks[start : start + UPDATE_BATCH_SIZE]).filter(
                Q(since__isnull=True) | Q(since__lt=moved_to)
            ).update(since=moved_to)
    return recorded


# --- e-mails -----------------------------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def listing_url(subscription: Subscription) -> str:
    return _absolute(listing_path(subscription.query))


@dataclass
class Entry:
    """An initiative in an e-mail, rendered once per run, and the other subscriptions of the address it matches."""

    initiative: Initiative
    text: str
    html: str
    also: list[str] = field(default_factory=list)


@dataclass
class Section:
    subscription: Subscription
    entries: list[Entry]
    listing_url: str
    unsubscribe_url: str


class Composer:
    """Builds the e-mails of one run, each in the active language; each initiative's part is rendered once per
    language, whatever the number of recipients."""

    def __init__(self, initiatives: dict[int, Initiative]):
        self.initiatives = initiatives
        self._parts: dict[tuple[str, int], tuple[str, str]] = {}
        self.base_context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL}

    def entry(self, initiative_id: int) -> Entry:
        key = (translation.get_language(), initiative_id)
        if key not in self._parts:
            initiative = self.initiatives[initiative_id]
            context = {**self.base_context, "initiative": initiative, "url": _absolute(initiative.get_absolute_url())}
            self._parts[key] = (
                render_to_string("subscriptions/email/alert_initiative.txt", context).strip(),
                render_to_string("subscriptions/email/alert_initiative.html", context),
            )
        text, html = self._parts[key]
        return Entry(self.initiatives[initiative_id], text, html)

    def _message(
        self, *, template: str, to: str, context: dict, unsubscribe_from: list[Subscription], message_id: str
    ) -> mail.Email:
        return mail.build(
            prefix=f"subscriptions/email/{template}",
            to=[to],
            context={**self.base_context, **context},
            headers={
                "Message-ID": message_id,
                # RFC 8058: a mail client POSTs "List-Unsubscribe=One-Click" to the URL, and it is done.
                # Every subscription the e-mail covers: one click stops this e-mail, not just one section of it.
                "List-Unsubscribe": f"<{one_click_unsubscribe_url(unsubscribe_from[0], also=unsubscribe_from[1:])}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )

    def alert(self, *, subscriptions: list[Subscription], initiative_id: int, message_id: str) -> mail.Email:
        """One newly published initiative, to one address, naming the subscriptions of that address it matches."""
        first = subscriptions[0]
        context = {
            "entry": self.entry(initiative_id),
            "initiative": self.initiatives[initiative_id],
            "followed": [self._section(subscription, []) for subscription in subscriptions],
            "manage_url": manage_url(first),
        }
        return self._message(
            template="alert", to=first.email, context=context, unsubscribe_from=subscriptions, message_id=message_id
        )

    def digest(
        self, *, frequency: str, owed: dict[int, list[int]], subscriptions: dict[int, Subscription], message_id: str
    ) -> mail.Email:
        """Everything owed to one address: a section per subscription, each initiative once (see the module doc)."""
        ordered = sorted(owed, key=lambda pk: (subscriptions[pk].label.casefold(), pk))
        newest_first = {pk: self.initiatives[pk].published_at for ids in owed.values() for pk in ids}
        placed: dict[int, Entry] = {}
        sections = []
        for subscription_id in ordered:
            subscription = subscriptions[subscription_id]
            entries = []
            for initiative_id in sorted(owed[subscription_id], key=lambda pk: (newest_first[pk], pk), reverse=True):
                if initiative_id in placed:
                    placed[initiative_id].also.append(subscription.label)
                else:
                    placed[initiative_id] = entry = self.entry(initiative_id)
                    entries.append(entry)
            sections.append(self._section(subscription, entries))
        first = subscriptions[ordered[0]]
        context = {
            "frequency": frequency,
            "sections": [section for section in sections if section.entries],
            "followed": sections,
            "count": len(placed),
            "manage_url": manage_url(first),
        }
        covered = [subscriptions[pk] for pk in ordered]
        return self._message(
            template="digest", to=first.email, context=context, unsubscribe_from=covered, message_id=message_id
        )

    @staticmethod
    def _section(subscription: Subscription, entries: list[Entry]) -> Section:
        return Section(subscription, entries, listing_url(subscription), unsubscribe_url(subscription))


# --- sending -----------------------------------------------------------------------------------------------------


@dataclass
class Sent:
    emails: int = 0
    deliveries: int = 0
    failed: list[str] = field(default_factory=list)  # addresses whose e-mail the server refused (left unsent)
    planned: int = 0  # e-mails this run set out to send


class Mailer:
    """One connection to the mail server for a whole run, opened when the first e-mail is ready."""

    def __init__(self):
        self.backend = None

    def send(self, message: mail.Email) -> None:
        if self.backend is None:
            self.backend = django_mail.mailers.default
            self.backend.open()
        self.backend.send_messages([message])

    def close(self) -> None:
        if self.backend is not None:
            try:
                self.backend.close()
            except (smtplib.SMTPException, OSError) as error:  # the e-mails are sent; a failed QUIT changes nothing
                logger.warning("Closing the connection to the mail server failed: %s", error)
            self.backend = None


def send_owed(*, frequency: str, progress: ProgressCallback | None = None, sent: Sent | None = None) -> Sent:
    """Send every owed delivery at ``frequency``: one e-mail per address and language (digests) or per address,
    language and initiative (alerts).

    A refused e-mail (``MESSAGE_ERRORS``) is logged and left unsent; any other mail-server error stops the run
    and propagates, what was sent before it staying sent (and counted in ``sent``, when the caller passes one).
    """
    plan = _plan(frequency)
    groups: dict[tuple, list[tuple[int, int, int]]] = defaultdict(list)
    for delivery_id, subscription_id, initiative_id, email, language in plan:
        # Addresses are stored canonical: one e-mail per mailbox (and language, see the module doc).
        key = (email, language) if frequency in PERIODS else (email, language, initiative_id)
        groups[key].append((delivery_id, subscription_id, initiative_id))
    sent = sent if sent is not None else Sent()
    sent.planned = len(groups)
    if groups:
        _Sender(frequency, plan, sent).run(sorted(groups.items()), progress)
    return sent


def _plan(frequency: str) -> list[tuple[int, int, int, str, str]]:
    """What ``owed(frequency)`` holds, as (delivery, subscription, initiative, address, language) rows.

    Read table by table and joined here: a join left to the planner went wrong (a nested loop over every
    subscription, half a minute) when its statistics lagged behind a bulk insert of deliveries or subscriptions.
    Unsent rows are few outside a run (today's digests, an alert in flight), so reading them all is cheap.
    """
    recipients = {
        pk: (email, email_language(language))
        for pk, email, language in receiving(frequency).values_list("pk", "email", "language")
    }
    unsent = [
        row
        for row in Delivery.objects.filter(sent_at__isnull=True).values_list("pk", "subscription_id", "initiative_id")
        if row[1] in recipients
    ]
    published = set(
        Initiative.objects.published().filter(pk__in={row[2] for row in unsent}).values_list("pk", flat=True)
    )
    return [(*row, *recipients[row[1]]) for row in unsent if row[2] in published]


class _Sender:
    """The sending step of one run: one SMTP connection, each e-mail in its own transaction."""

    # Who still receives and what is still published are read again before every this many e-mails, so an
    # unsubscription or an unpublication during a long run takes effect within seconds.
    CHECK_EVERY = 100

    def __init__(self, frequency: str, plan: list[tuple], sent: Sent):
        self.frequency = frequency
        self.sent = sent
        self.subscriptions = Subscription.objects.in_bulk({row[1] for row in plan})
        self.composer = Composer(Initiative.objects.in_bulk({row[2] for row in plan}))
        self.mailer = Mailer()
        self.receiving: set[int] = set()
        self.published: set[int] = set()

    def run(self, groups: list[tuple[tuple, list[tuple]]], progress: ProgressCallback | None) -> None:
        busy = []
        try:
            done = 0
            for start in range(0, len(groups), self.CHECK_EVERY):
                chunk = groups[start : start + self.CHECK_EVERY]
                self.check([row for _key, rows in chunk for row in rows])
                for key, rows in chunk:
                    if not self.send_one(key, rows, wait=False):
                        busy.append((key, rows))
                    done += 1
                    if progress:
                        progress(done, len(groups))
            for key, rows in busy:  # part of them was in another worker's hands: wait for it, send the rest
                self.send_one(key, rows, wait=True)
        finally:
            self.mailer.close()

    def check(self, rows: list[tuple]) -> None:
        """Read again which of these rows' subscriptions still receive, and which initiatives are still published."""
        self.receiving = set(
            receiving(self.frequency).filter(pk__in={row[1] for row in rows}).values_list("pk", flat=True)
        )
        self.published = set(
            Initiative.objects.published().filter(pk__in={row[2] for row in rows}).values_list("pk", flat=True)
        )

    def send_one(self, key: tuple, rows: list[tuple], *, wait: bool) -> bool:
        """Send one e-mail: lock what is still owed of it, send it, mark it sent, in one transaction (module doc).

        Without ``wait``, rows another worker has locked are skipped; if that leaves only part of the e-mail,
        nothing is sent and False is returned (the caller comes back to it with ``wait``, which waits for the
        other worker, then sends whatever it left): an address never gets its e-mail in two halves.

        Every query here reads one table, by primary key only: their cost never depends on the planner's
        statistics, nor on how many rows are still unsent.
        """
        planned = [row[0] for row in rows]
        try:
            with transaction.atomic():
                rows_here = Delivery.objects.filter(pk__in=planned).order_by("pk")
                lock = rows_here.select_for_update(**({} if wait else {"skip_locked": True}))
                # A locked row is read in its latest version: one that another worker marked sent meanwhile says so.
                locked = [
                    (pk, subscription_id, initiative_id)
                    for pk, subscription_id, initiative_id, sent_at in lock.values_list(
                        "pk", "subscription_id", "initiative_id", "sent_at"
                    )
                    if sent_at is None
                ]
                partial = not wait and 0 < len(locked) < len(planned)
                if partial and len(locked) < rows_here.filter(sent_at__isnull=True).count():
                    return False
                if wait:
                    self.check(locked)
                owed_now = [row for row in locked if row[1] in self.receiving and row[2] in self.published]
                if not owed_now:  # sent meanwhile, being sent by another worker, or no longer owed
                    return True
                with translation.override(key[1]):
                    message = _compose(self.composer, self.frequency, owed_now, self.subscriptions)
                self.mailer.send(message)
                Delivery.objects.filter(pk__in=[row[0] for row in owed_now]).update(
                    sent_at=timezone.now(), message_id=message.extra_headers["Message-ID"]
                )
        except MESSAGE_ERRORS as error:
            logger.warning("The mail server refused the %s e-mail to %s: %s", self.frequency, key[0], error)
            self.sent.failed.append(key[0])
            return True
        self.sent.emails += 1
        self.sent.deliveries += len(owed_now)
        return True


def _compose(composer: Composer, frequency: str, locked: list[tuple], subscriptions: dict) -> mail.Email:
    """The e-mail carrying the ``locked`` deliveries (all to one address), in the active language."""
    address = subscriptions[locked[0][1]].email
    if frequency in PERIODS:
        owed_to: dict[int, list[int]] = defaultdict(list)
        for _pk, subscription_id, initiative_id in locked:
            owed_to[subscription_id].append(initiative_id)
        deliveries = ",".join(str(pk) for pk in sorted(row[0] for row in locked))
        return composer.digest(
            frequency=frequency,
            owed=owed_to,
            subscriptions=subscriptions,
            message_id=message_id(frequency, f"{address}:{deliveries}"),
        )
    following = sorted({subscriptions[row[1]] for row in locked}, key=lambda s: (s.label.casefold(), s.pk))
    initiative_id = locked[0][2]
    return composer.alert(
        subscriptions=following,
        initiative_id=initiative_id,
        message_id=message_id("alert", f"{address}:{translation.get_language()}:{initiative_id}"),
    )


def message_id(kind: str, what: str) -> str:
    """The Message-ID of the e-mail ``what`` names: the same on every attempt to send it (module doc).

    ``what`` is an alert's address, language and initiative, or a digest's address and delivery rows (a digest sent
    again with more in it is another e-mail, with another Message-ID, so that a store collapsing Message-IDs keeps
    it).
    Keyed with the secret key, so that the Message-ID tells nobody the address it went to.
    """
    digest = salted_hmac("subscriptions.alerts.message_id", f"{kind}:{what}", algorithm="sha256").hexdigest()[:32]
    domain = urllib.parse.urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{kind}.{digest}@{domain}>"


def send_immediate(*, initiative_id: int, sent: Sent | None = None) -> Sent:
    """Record and send the alerts of a newly published initiative (and any immediate alert still owed)."""
    initiative = Initiative.objects.published().filter(pk=initiative_id).first()
    if initiative is None:
        logger.info("No alerts for initiative %s: it is not published (any more)", initiative_id)
    else:
        record_alert(initiative=initiative)
    return send_owed(frequency=Frequency.IMMEDIATE, sent=sent)
