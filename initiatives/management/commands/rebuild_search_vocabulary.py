from django.core.management.base import BaseCommand

from initiatives import search


class Command(BaseCommand):
    help = 'Rebuild the "did you mean" vocabulary from every published initiative (PostgreSQL only).'

    def handle(self, *args, **options):
        if not search.is_postgresql():
            self.stdout.write("Not on PostgreSQL: nothing to do.")
            return
        words = search.rebuild_vocabulary()
        self.stdout.write(self.style.SUCCESS(f"{words} words in the vocabulary."))
