from django.core.management.base import BaseCommand
from django.db import transaction

from initiatives import counts, embeddings
from initiatives.models import Initiative, InitiativeEmbedding, RelatedInitiative


class Command(BaseCommand):
    help = (
        "Encode every published initiative whose text changed (or all, with --force), drop the vectors of those no "
        'longer published, then recompute every "Related initiatives" list (issue 14).'
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=200, help="Texts encoded, or lists computed, at once.")
        parser.add_argument("--force", action="store_true", help="Encode every text again, changed or not.")
        parser.add_argument("--dry-run", action="store_true", help="Say how many texts would be encoded; change none.")

    def handle(self, *args, batch_size, force, dry_run, **options):
        batch_size = max(1, min(batch_size, 2000))
        published = Initiative.objects.published()
        stored = dict(InitiativeEmbedding.objects.values_list("pk", "text_hash"))
        pks = list(published.order_by("pk").values_list("pk", flat=True))
        gone = set(stored) - set(pks)
        encoded = 0
        for start in range(0, len(pks), batch_size):
            batch = list(published.filter(pk__in=pks[start : start + batch_size]).order_by("pk"))
            texts = {item.pk: embeddings.initiative_text(item) for item in batch}
            stale = [pk for pk, text in texts.items() if force or stored.get(pk) != embeddings.text_hash(text)]
            encoded += len(stale)
            if stale and not dry_run:
                vectors = embeddings.encode([texts[pk] for pk in stale])
                with transaction.atomic():
                    InitiativeEmbedding.objects.filter(pk__in=stale).delete()
                    InitiativeEmbedding.objects.bulk_create(
                        InitiativeEmbedding(
                            initiative_id=pk,
                            vector=embeddings.to_bytes(vector),
                            text_hash=embeddings.text_hash(texts[pk]),
                            model=embeddings.model_name(),
                        )
                        for pk, vector in zip(stale, vectors, strict=True)
                    )
            self.stdout.write(f"Encoded {encoded} of {min(start + batch_size, len(pks))} texts read ({len(pks)}).")
        if dry_run:
            self.stdout.write(f"Would encode {encoded} texts and drop {len(gone)} vectors.")
            return
        InitiativeEmbedding.objects.filter(pk__in=gone).delete()
        RelatedInitiative.objects.exclude(initiative__in=published).delete()
        done = 0
        for start in range(0, len(pks), batch_size):
            done += embeddings.refresh_lists(pks=pks[start : start + batch_size])
            self.stdout.write(f"Related lists: {done} of {len(pks)}.")
        counts.invalidate()
        self.stdout.write(self.style.SUCCESS(f"{encoded} texts encoded, {done} related lists computed."))
