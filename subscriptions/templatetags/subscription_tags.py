"""The "Your subscriptions" section of the account page, without the accounts app knowing about subscriptions."""

from dataclasses import dataclass

from django import template

from subscriptions import services, tokens
from subscriptions.models import Subscription

register = template.Library()


@dataclass(frozen=True)
class Followed:
    subscription: Subscription
    manage_url: str
    listing_url: str


@register.simple_tag
def account_subscriptions(user) -> list[Followed]:
    """``user``'s subscriptions (made logged in, or with their verified address), each with its manage link."""
    return [
        Followed(subscription, tokens.manage_path(subscription), services.listing_path(subscription.query))
        for subscription in services.subscriptions_of(user)
    ]
