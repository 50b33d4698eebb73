"""GUI benchmarks: how fast the conversation list fills and repaints.

The anchor is Qt's own `QStandardItemModel` holding the same rows as plain text, shown in
the same `QTableView` in the same run: our model adds envelope icons, roles and paging, and
should cost no more than the stock model (ratio ≤ 1.0 for time).
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import UTC, datetime, timedelta

from tests.bench import Results

ROWS = 100_000
ROUNDS = 5


def run(results: Results) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QTableView

    from zivverdesk.core.model import EnvelopeState
    from zivverdesk.gui.conversation_model import (
        PAGE_SIZE,
        Column,
        ConversationListModel,
        ConversationPage,
        ConversationRow,
    )
    from zivverdesk.gui.envelope_delegate import EnvelopeDelegate

    app = QApplication.instance() or QApplication([])
    start = datetime(2026, 1, 1, tzinfo=UTC)
    states = list(EnvelopeState)
    rows = [
        ConversationRow(
            conversation_id=f"{i:032x}",
            correspondent=f"Patiënt {i}",
            subject=f"Medisch advies dossier {i}",
            updated=start + timedelta(minutes=i),
            envelope=states[i % len(states)],
            secure=True,
            has_attachments=i % 3 == 0,
        )
        for i in range(ROWS)
    ]

    def fetch(after: object | None, limit: int) -> ConversationPage:
        start = after if isinstance(after, int) else 0
        end = start + limit
        return ConversationPage(rows=rows[start:end], next=end if end < len(rows) else None)

    def ours() -> tuple[float, float]:
        view = QTableView()
        view.resize(1000, 700)
        model = ConversationListModel()
        view.setModel(model)
        view.setItemDelegateForColumn(Column.ENVELOPE, EnvelopeDelegate(view))
        began = time.perf_counter()
        model.load(fetch)
        view.show()
        app.processEvents()
        first_screen = time.perf_counter() - began
        began = time.perf_counter()
        for _ in range(20):
            view.viewport().grab()
        repaint = (time.perf_counter() - began) / 20
        assert model.rowCount() >= PAGE_SIZE
        view.close()
        return first_screen, repaint

    def anchor() -> tuple[float, float]:
        view = QTableView()
        view.resize(1000, 700)
        began = time.perf_counter()
        model = QStandardItemModel(0, 4)
        for row in rows[:PAGE_SIZE]:  # same number of rows on screen as ours loads first
            model.appendRow(
                [
                    QStandardItem(row.envelope.value if row.envelope else ""),
                    QStandardItem(row.correspondent),
                    QStandardItem(row.subject),
                    QStandardItem(row.updated.strftime("%d-%m-%Y %H:%M")),
                ]
            )
        view.setModel(model)
        view.show()
        app.processEvents()
        first_screen = time.perf_counter() - began
        began = time.perf_counter()
        for _ in range(20):
            view.viewport().grab()
        repaint = (time.perf_counter() - began) / 20
        view.close()
        return first_screen, repaint

    measured = [(ours(), anchor()) for _ in range(ROUNDS)]
    first = statistics.median(m[0][0] for m in measured)
    first_anchor = statistics.median(m[1][0] for m in measured)
    paint = statistics.median(m[0][1] for m in measured)
    paint_anchor = statistics.median(m[1][1] for m in measured)
    results.record(
        "gui.conversation_list_first_screen",
        first * 1000,
        "ms",
        anchor=f"QStandardItemModel with the first {PAGE_SIZE} rows",
        anchor_value=first_anchor * 1000,
        target=1.0,
        higher_is_better=False,
    )
    results.record(
        "gui.conversation_list_repaint",
        paint * 1000,
        "ms",
        anchor="QStandardItemModel, same view size",
        anchor_value=paint_anchor * 1000,
        target=2.0,
        higher_is_better=False,
    )
