"""The request's life: its states, the allowed moves between them, and the timeline.

states: the one table of allowed moves (and the state diagram drawn from it); lifecycle:
every status change and every timeline event, as SQL on the caller's transaction; texts:
timeline, error and warning texts rendered in the reader's language. The API's use cases
(application/requests.py) and the daemon (batch/dao) both go through here. docs/queue.md
explains the protocol.
"""
