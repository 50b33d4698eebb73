"""Paints the status column: the envelope (closed, open, partly open, not delivered), a lock
for secure conversations and a paperclip when there are attachments."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from zivverdesk.core.model import EnvelopeState
from zivverdesk.gui.conversation_model import (
    ROLE_ENVELOPE,
    ROLE_HAS_ATTACHMENTS,
    ROLE_SECURE,
)
from zivverdesk.gui.resources import icon

ENVELOPE_ICONS = {
    EnvelopeState.CLOSED: "envelope-closed",
    EnvelopeState.OPEN: "envelope-open",
    EnvelopeState.PARTLY_OPEN: "envelope-partly-open",
    EnvelopeState.NOT_DELIVERED: "envelope-not-delivered",
}

_ICON = 20
_SMALL = 14


class EnvelopeDelegate(QStyledItemDelegate):
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawPrimitive(
                QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, option.widget
            )
        rect: QRect = option.rect
        x = rect.x() + 4
        y_mid = rect.y() + rect.height() // 2
        envelope = index.data(ROLE_ENVELOPE)
        if envelope:
            icon(ENVELOPE_ICONS[EnvelopeState(envelope)]).paint(
                painter, QRect(x, y_mid - _ICON // 2, _ICON, _ICON)
            )
        x += _ICON + 4
        if index.data(ROLE_SECURE):
            icon("lock").paint(painter, QRect(x, y_mid - _SMALL // 2, _SMALL, _SMALL))
        x += _SMALL + 2
        if index.data(ROLE_HAS_ATTACHMENTS):
            icon("paperclip").paint(painter, QRect(x, y_mid - _SMALL // 2, _SMALL, _SMALL))

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:
        return QSize(_ICON + _SMALL * 2 + 14, _ICON + 8)
