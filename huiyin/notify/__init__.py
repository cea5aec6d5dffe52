"""Notifications (通知): Chinese message templates, outward channels (email, SMS webhook) and the
dispatcher that drains the `deliveries` outbox. The rows are written by ledger/notifications.py
in the same transaction as the events that ask for them."""
