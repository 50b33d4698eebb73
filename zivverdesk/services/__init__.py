"""Use cases shared by the GUI and the command line: send securely, resend or rotate a
notification, revoke, sync, fetch replies, apply feed events, review workflow.

May import every desktop package except `gui`. No Qt.
"""
