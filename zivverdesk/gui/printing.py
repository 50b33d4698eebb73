"""Printing a conversation ("Afdrukken", Ctrl+P), for the patient's paper file or a PDF.

Windows offers "Microsoft Print to PDF" among its printers, so one print dialog covers both.
The page is built as plain text, as the reader shows it: mail content is never rendered as
HTML, on screen or on paper.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont, QFontDatabase, QTextCursor, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from zivverdesk.gui.backend import ConversationDetails


def conversation_document(details: ConversationDetails, text: str) -> QTextDocument:
    """The subject as a heading, then the conversation's text as shown in the reader."""
    document = QTextDocument()
    document.setDefaultFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont))
    cursor = QTextCursor(document)
    heading = cursor.charFormat()
    heading.setFontPointSize(14)
    heading.setFontWeight(QFont.Weight.Bold)
    cursor.insertText(details.subject, heading)
    cursor.insertBlock()
    body = cursor.charFormat()
    body.setFontPointSize(10)
    body.setFontWeight(QFont.Weight.Normal)
    cursor.insertBlock()
    cursor.insertText(text, body)
    return document


def print_document(document: QTextDocument, printer: QPrinter) -> None:
    document.print_(printer)


def ask_and_print(parent: QWidget, details: ConversationDetails, text: str) -> bool:
    """Asks which printer (or PDF) in the system's dialog, then prints; False when the user
    cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(details.subject)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(QCoreApplication.translate("Printing", "Print conversation"))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    print_document(conversation_document(details, text), printer)
    return True
