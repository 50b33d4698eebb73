"""Domain types and rules: messages, conversations, recipients, verification methods,
delivery states and events.

Pure Python: no I/O, no Qt, no HTTP, and no imports from the rest of the project. Both the
desktop and the relay build on these types.
"""
