from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self):
        # portal/ is the plumbing above the apps: it may listen to the collection, which knows nothing of caches.
        from initiatives.signals import collection_changed

        from . import cdn

        collection_changed.connect(cdn.purge_on_change, dispatch_uid="portal.cdn.purge_on_change")
