"""Paints the status column: the envelope (closed, open, partly open, not delivered), a lock
for secure conversations and a paperclip when there are attachments."""

from __future__ import annotations

from functools import cache
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize
from PySide6.QtGui import QPainter, QPixmap
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


@cache
def _pixmap(name: str, size: int, device_pixel_ratio: float) -> QPixmap:
    """Icons rendered once per size: rendering the SVG on every paint made a repaint of the
    list 2.5 times as slow as a plain-text list."""
    return icon(name).pixmap(QSize(size, size), device_pixel_ratio)


def _draw(painter: QPainter, name: str, x: int, y: int, size: int) -> None:
    painter.drawPixmap(
        QRect(x, y, size, size), _pixmap(name, size, painter.device().devicePixelRatioF())
    )


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
            _draw(painter, ENVELOPE_ICONS[EnvelopeState(envelope)], x, y_mid - _ICON // 2, _ICON)
        x += _ICON + 4
        if index.data(ROLE_SECURE):
            _draw(painter, "lock", x, y_mid - _SMALL // 2, _SMALL)
        x += _SMALL + 2
        if index.data(ROLE_HAS_ATTACHMENTS):
            _draw(painter, "paperclip", x, y_mid - _SMALL // 2, _SMALL)

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:
        return QSize(_ICON + _SMALL * 2 + 14, _ICON + 8)
