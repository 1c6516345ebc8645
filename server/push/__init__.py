"""Web Push: VAPID keys, browser subscriptions, and delivery off the request path."""
