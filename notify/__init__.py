"""The outbox sender (通知发送): outward channels (email, SMS webhook) and the dispatcher that drains the
`deliveries` outbox. The rows are written by the ledger (ledger/outbox.py) in the same transaction
as the events that ask for them; their Chinese texts come from domain/notices.py."""
