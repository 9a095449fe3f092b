from django.core.management.base import BaseCommand

from initiatives import counts, search


class Command(BaseCommand):
    help = (
        'Rebuild the "did you mean" vocabulary from every published initiative (on SQLite, the full-text index '
        "too: its triggers keep it, this is a repair)."
    )

    def handle(self, *args, **options):
        words = search.rebuild_vocabulary()
        counts.invalidate()  # cached results and pages came from the index as it was
        self.stdout.write(self.style.SUCCESS(f"{words} words in the vocabulary."))
