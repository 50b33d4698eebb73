"""The PySide6 desktop: windows, models, delegates, dialogs and background workers.

The only package that imports Qt. It talks to `services`, never to the network directly.
"""
