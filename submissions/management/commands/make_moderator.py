from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.addresses import canonical_or_none
from submissions.services import MODERATORS_GROUP, ensure_moderators_group


class Command(BaseCommand):
    help = (
        f'Make the account with this e-mail address a moderator: add it to the "{MODERATORS_GROUP}" group '
        "(created if missing). Moderators review submissions and are e-mailed about new ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The e-mail address of an existing account (any letter case).")
        parser.add_argument("--remove", action="store_true", help="Take the account out of the moderators.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would change; change nothing.")

    @transaction.atomic
    def handle(self, *args, email: str, remove: bool = False, dry_run: bool = False, **options):
        # The canonical form (what sign-up and the admin store), or the address exactly as typed (an account made
        # in code keeps the one it was given); never a case-insensitive match, which lets look-alikes meet.
        addresses = {canonical_or_none(email) or email.strip(), email.strip()}
        users = list(get_user_model().objects.filter(email__in=addresses).order_by("pk"))
        if not users:
            raise CommandError(f"No account has the e-mail address {email}.")
        if len(users) > 1:
            names = ", ".join(user.get_username() for user in users)
            raise CommandError(f"Several accounts have the e-mail address {email} ({names}): use the admin.")
        (user,) = users
        group = Group.objects.filter(name=MODERATORS_GROUP).first()
        is_member = group is not None and user.groups.filter(pk=group.pk).exists()
        would = "Dry run, nothing changed: would " if dry_run else ""

        if remove:
            if not is_member:
                self.stdout.write(f"{user.email} is not in the {MODERATORS_GROUP} group: nothing to do.")
            else:
                if not dry_run:
                    user.groups.remove(group)
                verb = "remove" if dry_run else "Removed"
                self.stdout.write(self.style.SUCCESS(f"{would}{verb} {user.email} from the {MODERATORS_GROUP} group."))
            if user.is_superuser:
                self.stdout.write(self.style.WARNING(f"{user.email} is a superuser, and superusers always moderate."))
            return

        if is_member:
            self.stdout.write(f"{user.email} is already a moderator: nothing to do.")
        else:
            if group is None:
                if dry_run:
                    self.stdout.write(f"{would}create the {MODERATORS_GROUP} group.")
                else:
                    group = ensure_moderators_group()
                    self.stdout.write(f"Created the {MODERATORS_GROUP} group.")
            if not dry_run:
                user.groups.add(group)
            verb = "make" if dry_run else "Made"
            self.stdout.write(self.style.SUCCESS(f"{would}{verb} {user.email} a moderator."))
        if not user.is_active:
            self.stderr.write(
                self.style.WARNING(f"{user.email} is inactive: it will moderate, and be e-mailed, only once active.")
            )
