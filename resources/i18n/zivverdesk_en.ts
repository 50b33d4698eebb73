<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ComposerDialog</name>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="62"/>
        <source>New secure message</source>
        <translation>New secure message</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="67"/>
        <source>name@example.nl; second@example.nl</source>
        <translation>name@example.nl; second@example.nl</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="77"/>
        <source>&amp;To:</source>
        <translation>&amp;To:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="78"/>
        <source>Recipient check:</source>
        <translation>Recipient check:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="79"/>
        <source>&amp;Subject:</source>
        <translation>&amp;Subject:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="81"/>
        <location filename="../../zivverdesk/gui/composer.py" line="149"/>
        <source>Add attachment</source>
        <translation>Add attachment</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="83"/>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="86"/>
        <source>Send securely</source>
        <translation>Send securely</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="89"/>
        <location filename="../../zivverdesk/gui/composer.py" line="193"/>
        <source>Send without protection</source>
        <translation>Send without protection</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="108"/>
        <source>Only if you typed an access code for this recipient yourself</source>
        <translation>Only if you typed an access code for this recipient yourself</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="121"/>
        <source>Reply</source>
        <translation>Reply</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="135"/>
        <source>Access code:</source>
        <translation>Access code:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="184"/>
        <source>Enter at least one recipient.</source>
        <translation>Enter at least one recipient.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="195"/>
        <source>This message and its attachments will be sent as ordinary e-mail that others can read. Only do this when it contains no personal or medical information. Send without protection?</source>
        <translation>This message and its attachments will be sent as ordinary e-mail that others can read. Only do this when it contains no personal or medical information. Send without protection?</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="204"/>
        <source>Sending…</source>
        <translation>Sending…</translation>
    </message>
</context>
<context>
    <name>ConversationListModel</name>
    <message>
        <location filename="../../zivverdesk/gui/conversation_model.py" line="97"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/conversation_model.py" line="98"/>
        <source>Contact</source>
        <translation>Contact</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/conversation_model.py" line="99"/>
        <source>Subject</source>
        <translation>Subject</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/conversation_model.py" line="100"/>
        <source>Date</source>
        <translation>Date</translation>
    </message>
</context>
<context>
    <name>Details</name>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="25"/>
        <source>Waiting to be sent</source>
        <translation>Waiting to be sent</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="26"/>
        <source>Not delivered</source>
        <translation>Not delivered</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="27"/>
        <source>Not opened</source>
        <translation>Not opened</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="28"/>
        <source>Opened</source>
        <translation>Opened</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="29"/>
        <source>Revoked</source>
        <translation>Revoked</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="30"/>
        <source>Expired</source>
        <translation>Expired</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="36"/>
        <source>Access code</source>
        <translation>Access code</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="37"/>
        <source>SMS code</source>
        <translation>SMS code</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="38"/>
        <source>E-mail code</source>
        <translation>E-mail code</translation>
    </message>
</context>
<context>
    <name>DetailsDialog</name>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="48"/>
        <source>Message details</source>
        <translation>Message details</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="52"/>
        <source>Recipient</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="52"/>
        <source>Check</source>
        <translation>Check</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="52"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="63"/>
        <source>Resend notification</source>
        <translation>Resend notification</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="65"/>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="98"/>
        <source>Send to another address</source>
        <translation>Send to another address</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="67"/>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="106"/>
        <source>Revoke</source>
        <translation>Revoke</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="98"/>
        <source>New e-mail address:</source>
        <translation>New e-mail address:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="107"/>
        <source>Nobody will be able to open this message any more. Revoke it?</source>
        <translation>Nobody will be able to open this message any more. Revoke it?</translation>
    </message>
</context>
<context>
    <name>Envelope</name>
    <message>
        <location filename="../../zivverdesk/gui/conversation_model.py" line="88"/>
        <source>Opened</source>
        <extracomment>Handed back to the backend for the next page; what it holds is the backend&apos;s own business (so a page can start where the last one ended, not count rows from the top). None when no rows follow. Gives the page that starts at a `ConversationPage.next` (None: the first page), at most `limit` rows. Runs `work` on a worker thread, then hands its page to `done`, or its error to `failed`, on the GUI thread.</extracomment>
        <translation>Opened</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/conversation_model.py" line="89"/>
        <source>Not opened</source>
        <translation>Not opened</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/conversation_model.py" line="90"/>
        <source>Partly opened</source>
        <translation>Partly opened</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/conversation_model.py" line="91"/>
        <source>Not delivered</source>
        <translation>Not delivered</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/conversation_model.py" line="92"/>
        <source>Not encrypted</source>
        <translation>Not encrypted</translation>
    </message>
</context>
<context>
    <name>FolderNames</name>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="89"/>
        <source>Secure</source>
        <translation>Secure</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="90"/>
        <source>To review</source>
        <translation>To review</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="91"/>
        <source>Inbox</source>
        <translation>Inbox</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="92"/>
        <source>Sent</source>
        <translation>Sent</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="93"/>
        <source>All mail</source>
        <translation>All mail</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="94"/>
        <source>Outbox</source>
        <translation>Outbox</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="66"/>
        <source>Something went wrong. The details are in the log file.</source>
        <translation>Something went wrong. The details are in the log file.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="80"/>
        <source>Folders</source>
        <translation>Folders</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="98"/>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="137"/>
        <source>Main</source>
        <translation>Main</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="141"/>
        <source>New secure message</source>
        <translation>New secure message</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="144"/>
        <source>Message details</source>
        <translation>Message details</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="146"/>
        <source>Synchronise</source>
        <translation>Synchronise</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="149"/>
        <source>Mark as reviewed</source>
        <translation>Mark as reviewed</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="151"/>
        <source>Assign to…</source>
        <translation>Assign to…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="153"/>
        <source>Reply</source>
        <translation>Reply</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="171"/>
        <location filename="../../zivverdesk/gui/main_window.py" line="172"/>
        <location filename="../../zivverdesk/gui/main_window.py" line="181"/>
        <source>Search</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="173"/>
        <source>Find mail by contact, subject or text</source>
        <translation>Find mail by contact, subject or text</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="258"/>
        <source>Searching…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="270"/>
        <source>Nothing found</source>
        <translation>Nothing found</translation>
    </message>
    <message numerus="yes">
        <location filename="../../zivverdesk/gui/main_window.py" line="272"/>
        <source>%n conversation(s) found</source>
        <translation>
            <numerusform>%n conversation found</numerusform>
            <numerusform>%n conversations found</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../zivverdesk/gui/main_window.py" line="274"/>
        <source>More than %n conversations found</source>
        <translation>
            <numerusform>More than %n conversation found</numerusform>
            <numerusform>More than %n conversations found</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="391"/>
        <source>Assigned to: %1</source>
        <translation>Assigned to: %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="393"/>
        <source>Reviewed by: %1</source>
        <translation>Reviewed by: %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="468"/>
        <source>No colleagues known yet: synchronise first.</source>
        <translation>No colleagues known yet: synchronise first.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="473"/>
        <source>Assign to</source>
        <translation>Assign to</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="474"/>
        <source>Which colleague reviews this conversation?</source>
        <translation>Which colleague reviews this conversation?</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="501"/>
        <source>Not up to date: %1</source>
        <translation>Not up to date: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../zivverdesk/gui/main_window.py" line="254"/>
        <source>%n conversation(s)</source>
        <translation>
            <numerusform>%n conversation</numerusform>
            <numerusform>%n conversations</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="485"/>
        <source>Synchronising…</source>
        <translation>Synchronising…</translation>
    </message>
</context>
<context>
    <name>RecipientChecksTable</name>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="43"/>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="45"/>
        <source>Recipient check</source>
        <translation>Recipient check</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="45"/>
        <source>Recipient</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="45"/>
        <source>Code or mobile number</source>
        <translation>Code or mobile number</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="112"/>
        <source>Enter the access code for %1.</source>
        <translation>Enter the access code for %1.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="114"/>
        <source>Enter a mobile number for %1.</source>
        <translation>Enter a mobile number for %1.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="117"/>
        <source>Choose a recipient check for %1.</source>
        <translation>Choose a recipient check for %1.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="128"/>
        <source>From the address book</source>
        <translation>From the address book</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="129"/>
        <source>Access code</source>
        <translation>Access code</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="130"/>
        <source>Code by SMS</source>
        <translation>Code by SMS</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="131"/>
        <source>Code by e-mail</source>
        <translation>Code by e-mail</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="134"/>
        <source>Recipient check for %1</source>
        <translation>Recipient check for %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="156"/>
        <source>Access code agreed with the recipient</source>
        <translation>Access code agreed with the recipient</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="158"/>
        <source>Mobile number, e.g. 06 12345678</source>
        <translation>Mobile number, e.g. 06 12345678</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="161"/>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="175"/>
        <source>A code is sent to this address</source>
        <translation>A code is sent to this address</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="169"/>
        <source>Looking up…</source>
        <translation>Looking up…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="171"/>
        <source>Access code of %1</source>
        <translation>Access code of %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="173"/>
        <source>Code by SMS to %1</source>
        <translation>Code by SMS to %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="176"/>
        <source>Not in the address book: choose a check</source>
        <translation>Not in the address book: choose a check</translation>
    </message>
</context>
</TS>
