<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AddressBookDialog</name>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="87"/>
        <source>Address book</source>
        <translation>Address book</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="103"/>
        <source>Organisations</source>
        <translation>Organisations</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="104"/>
        <source>Contacts</source>
        <translation>Contacts</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="108"/>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="134"/>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="135"/>
        <source>Search</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="143"/>
        <source>Find by name, mail domain or contact person</source>
        <translation>Find by name, mail domain or contact person</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="150"/>
        <source>Access code</source>
        <translation>Access code</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="151"/>
        <source>Show access code</source>
        <translation>Show access code</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="153"/>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="185"/>
        <source>Add…</source>
        <translation>Add…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="155"/>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="187"/>
        <source>Edit…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="157"/>
        <source>New access code…</source>
        <translation>New access code…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="159"/>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="189"/>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="449"/>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="451"/>
        <source>Delete</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="163"/>
        <source>Access code:</source>
        <translation>Access code:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="182"/>
        <source>Find by name, e-mail address, mobile number or organisation</source>
        <translation>Find by name, e-mail address, mobile number or organisation</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="191"/>
        <source>Import…</source>
        <translation>Import…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="297"/>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="311"/>
        <source>No access code</source>
        <translation>No access code</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="345"/>
        <source>New access code saved. Recipients at %1 need the new access code for messages sent from now on.</source>
        <translation>New access code saved. Recipients at %1 need the new access code for messages sent from now on.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="393"/>
        <source>Organisation %1 saved.</source>
        <translation>Organisation %1 saved.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="426"/>
        <source>Contact %1 saved.</source>
        <translation>Contact %1 saved.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="452"/>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="483"/>
        <source>Its mail domains and its access code are deleted from this computer. Messages already sent stay as they are.</source>
        <translation>Its mail domains and its access code are deleted from this computer. Messages already sent stay as they are.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="489"/>
        <source>These contacts belong to it: %1. They stay in the address book without an organisation; the next message to them needs a check of its own (a code by SMS or by e-mail).</source>
        <translation>These contacts belong to it: %1. They stay in the address book without an organisation; the next message to them needs a check of its own (a code by SMS or by e-mail).</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="498"/>
        <source>Organisation %1 deleted.</source>
        <translation>Organisation %1 deleted.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="503"/>
        <source>Delete organisation %1?</source>
        <translation>Delete organisation %1?</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="517"/>
        <source>Contact %1 deleted.</source>
        <translation>Contact %1 deleted.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="522"/>
        <source>Delete contact %1?</source>
        <translation>Delete contact %1?</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="524"/>
        <source>The name and mobile number are deleted from this computer. Messages already sent stay as they are.</source>
        <translation>The name and mobile number are deleted from this computer. Messages already sent stay as they are.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="536"/>
        <source>Import contacts</source>
        <translation>Import contacts</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="536"/>
        <source>Contacts (*.csv *.vcf)</source>
        <translation>Contacts (*.csv *.vcf)</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="542"/>
        <source>Importing…</source>
        <translation>Importing…</translation>
    </message>
</context>
<context>
    <name>AddressBookForm</name>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="56"/>
        <source>Save</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="59"/>
        <source>Cancel</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="80"/>
        <source>Saving…</source>
        <translation>Saving…</translation>
    </message>
</context>
<context>
    <name>ArrivalNotice</name>
    <message numerus="yes">
        <location filename="../../zivverdesk/gui/arrival_notice.py" line="40"/>
        <source>%n new secure message(s)</source>
        <translation>
            <numerusform>%n new secure message</numerusform>
            <numerusform>%n new secure messages</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AttachmentsPanel</name>
    <message>
        <location filename="../../zivverdesk/gui/attachments_panel.py" line="44"/>
        <location filename="../../zivverdesk/gui/attachments_panel.py" line="50"/>
        <source>Attachments</source>
        <translation>Attachments</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/attachments_panel.py" line="47"/>
        <source>Save…</source>
        <translation>Save…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/attachments_panel.py" line="77"/>
        <source>Save attachment</source>
        <translation>Save attachment</translation>
    </message>
</context>
<context>
    <name>ComposerDialog</name>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="72"/>
        <source>New secure message</source>
        <translation>New secure message</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="77"/>
        <source>name@example.nl; second@example.nl</source>
        <translation>name@example.nl; second@example.nl</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="94"/>
        <source>&amp;To:</source>
        <translation>&amp;To:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="95"/>
        <source>Recipient check:</source>
        <translation>Recipient check:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="96"/>
        <source>&amp;Subject:</source>
        <translation>&amp;Subject:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="98"/>
        <source>Office default</source>
        <translation>Office default</translation>
    </message>
    <message numerus="yes">
        <location filename="../../zivverdesk/gui/composer.py" line="100"/>
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="102"/>
        <source>After this the message&apos;s content is deleted and it can no longer be opened.</source>
        <translation>After this the message&apos;s content is deleted and it can no longer be opened.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="104"/>
        <source>&amp;Available for:</source>
        <translation>&amp;Available for:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="108"/>
        <location filename="../../zivverdesk/gui/composer.py" line="293"/>
        <source>Add attachment</source>
        <translation>Add attachment</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="110"/>
        <source>Remove</source>
        <translation>Remove</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="113"/>
        <source>Send securely</source>
        <translation>Send securely</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="116"/>
        <location filename="../../zivverdesk/gui/composer.py" line="343"/>
        <source>Send without protection</source>
        <translation>Send without protection</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="126"/>
        <source>Save as draft</source>
        <translation>Save as draft</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="143"/>
        <source>Only if you typed an access code for this recipient yourself</source>
        <translation>Only if you typed an access code for this recipient yourself</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="156"/>
        <source>Reply</source>
        <translation>Reply</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="171"/>
        <source>Access code:</source>
        <translation>Access code:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="191"/>
        <source>Saving draft…</source>
        <translation>Saving draft…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="197"/>
        <source>Draft saved.</source>
        <translation>Draft saved.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="218"/>
        <source>Keep as draft?</source>
        <translation>Keep as draft?</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="219"/>
        <source>This message has not been sent. Keep it as a draft?</source>
        <translation>This message has not been sent. Keep it as a draft?</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="259"/>
        <source>A folder cannot be attached: %1</source>
        <translation>A folder cannot be attached: %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="334"/>
        <source>Enter at least one recipient.</source>
        <translation>Enter at least one recipient.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="345"/>
        <source>This message and its attachments will be sent as ordinary e-mail that others can read. Only do this when it contains no personal or medical information. Send without protection?</source>
        <translation>This message and its attachments will be sent as ordinary e-mail that others can read. Only do this when it contains no personal or medical information. Send without protection?</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="354"/>
        <source>Sending…</source>
        <translation>Sending…</translation>
    </message>
</context>
<context>
    <name>ContactForm</name>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="165"/>
        <source>Add contact</source>
        <translation>Add contact</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="165"/>
        <source>Edit contact</source>
        <translation>Edit contact</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="179"/>
        <source>(none)</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="186"/>
        <source>&amp;E-mail address:</source>
        <translation>&amp;E-mail address:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="187"/>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="188"/>
        <source>&amp;Mobile number:</source>
        <translation>&amp;Mobile number:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="190"/>
        <source>&amp;Organisation:</source>
        <translation>&amp;Organisation:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="200"/>
        <source>Not a valid mobile number. Type it as 06 12345678 or +31 6 12345678; a Dutch mobile number starts with 06.</source>
        <translation>Not a valid mobile number. Type it as 06 12345678 or +31 6 12345678; a Dutch mobile number starts with 06.</translation>
    </message>
</context>
<context>
    <name>ContactTableModel</name>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="148"/>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="149"/>
        <source>E-mail address</source>
        <translation>E-mail address</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="150"/>
        <source>Mobile number</source>
        <translation>Mobile number</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="151"/>
        <source>Organisation</source>
        <translation>Organisation</translation>
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
        <location filename="../../zivverdesk/gui/details_dialog.py" line="26"/>
        <source>Waiting to be sent</source>
        <translation>Waiting to be sent</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="27"/>
        <source>Not delivered</source>
        <translation>Not delivered</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="28"/>
        <source>Not opened</source>
        <translation>Not opened</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="29"/>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="48"/>
        <source>Opened</source>
        <translation>Opened</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="30"/>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="53"/>
        <source>Revoked</source>
        <translation>Revoked</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="31"/>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="54"/>
        <source>Expired</source>
        <translation>Expired</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="38"/>
        <source>Notification accepted by the mail server</source>
        <translation>Notification accepted by the mail server</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="41"/>
        <source>Notification refused by the mail server</source>
        <translation>Notification refused by the mail server</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="44"/>
        <source>Link looked at (by a mail scanner or the recipient)</source>
        <translation>Link looked at (by a mail scanner or the recipient)</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="47"/>
        <source>Recipient check passed</source>
        <translation>Recipient check passed</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="49"/>
        <source>Attachment downloaded</source>
        <translation>Attachment downloaded</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="50"/>
        <source>Replied</source>
        <translation>Replied</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="51"/>
        <source>Wrong code entered</source>
        <translation>Wrong code entered</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="52"/>
        <source>Locked after too many wrong attempts</source>
        <translation>Locked after too many wrong attempts</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="55"/>
        <source>Message received</source>
        <translation>Message received</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="56"/>
        <source>Review changed</source>
        <translation>Review changed</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="57"/>
        <source>Mail could not be sent</source>
        <translation>Mail could not be sent</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="63"/>
        <source>Access code</source>
        <translation>Access code</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="64"/>
        <source>SMS code</source>
        <translation>SMS code</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="65"/>
        <source>E-mail code</source>
        <translation>E-mail code</translation>
    </message>
</context>
<context>
    <name>DetailsDialog</name>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="75"/>
        <source>Message details</source>
        <translation>Message details</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="79"/>
        <source>Recipient</source>
        <translation>Recipient</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="79"/>
        <source>Check</source>
        <translation>Check</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="79"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="93"/>
        <source>Resend notification</source>
        <translation>Resend notification</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="95"/>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="139"/>
        <source>Send to another address</source>
        <translation>Send to another address</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="97"/>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="168"/>
        <source>Revoke</source>
        <translation>Revoke</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="110"/>
        <source>Can be opened until %1</source>
        <translation>Can be opened until %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="139"/>
        <source>New e-mail address:</source>
        <translation>New e-mail address:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="156"/>
        <source>Access code</source>
        <translation>Access code</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="158"/>
        <source>The access code you typed for %1 when sending. Leave empty when it is the access code of their organisation.</source>
        <translation>The access code you typed for %1 when sending. Leave empty when it is the access code of their organisation.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="169"/>
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
        <location filename="../../zivverdesk/gui/engine_backend.py" line="102"/>
        <source>Secure</source>
        <translation>Secure</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="103"/>
        <source>To review</source>
        <translation>To review</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="104"/>
        <source>Inbox</source>
        <translation>Inbox</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="105"/>
        <source>Sent</source>
        <translation>Sent</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="106"/>
        <source>All mail</source>
        <translation>All mail</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="107"/>
        <source>Drafts</source>
        <translation>Drafts</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="108"/>
        <source>Outbox</source>
        <translation>Outbox</translation>
    </message>
</context>
<context>
    <name>ImportReportDialog</name>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="246"/>
        <source>Import contacts</source>
        <translation>Import contacts</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="251"/>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="257"/>
        <source>Remarks:</source>
        <translation>Remarks:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="264"/>
        <source>Added: %1, updated: %2, skipped: %3.</source>
        <translation>Added: %1, updated: %2, skipped: %3.</translation>
    </message>
</context>
<context>
    <name>MailErrors</name>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="99"/>
        <source>The connection to the mail server %1 was lost (%2). Check the internet connection, or try again later.</source>
        <translation>The connection to the mail server %1 was lost (%2). Check the internet connection, or try again later.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="105"/>
        <source>The mail server %1 cannot be reached (%2). Check the internet connection, or try again later.</source>
        <translation>The mail server %1 cannot be reached (%2). Check the internet connection, or try again later.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="194"/>
        <source>Address book</source>
        <translation>Address book</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="124"/>
        <source>Something went wrong. The details are in the log file.</source>
        <translation>Something went wrong. The details are in the log file.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="94"/>
        <source>Folders</source>
        <translation>Folders</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="112"/>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="113"/>
        <source>Choose a conversation in the list to read it.</source>
        <translation>Choose a conversation in the list to read it.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="163"/>
        <source>Main</source>
        <translation>Main</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="167"/>
        <source>New secure message</source>
        <translation>New secure message</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="170"/>
        <source>Message details</source>
        <translation>Message details</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="172"/>
        <source>Synchronise</source>
        <translation>Synchronise</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="177"/>
        <source>Mark as reviewed</source>
        <translation>Mark as reviewed</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="179"/>
        <source>Assign to…</source>
        <translation>Assign to…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="181"/>
        <source>Reply</source>
        <translation>Reply</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="198"/>
        <source>Print…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="211"/>
        <location filename="../../zivverdesk/gui/main_window.py" line="212"/>
        <location filename="../../zivverdesk/gui/main_window.py" line="221"/>
        <source>Search</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="213"/>
        <source>Find mail by contact, subject or text</source>
        <translation>Find mail by contact, subject or text</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="306"/>
        <source>Searching…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="348"/>
        <source>Nothing found</source>
        <translation>Nothing found</translation>
    </message>
    <message numerus="yes">
        <location filename="../../zivverdesk/gui/main_window.py" line="350"/>
        <source>%n conversation(s) found</source>
        <translation>
            <numerusform>%n conversation found</numerusform>
            <numerusform>%n conversations found</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../zivverdesk/gui/main_window.py" line="352"/>
        <source>More than %n conversations found</source>
        <translation>
            <numerusform>More than %n conversation found</numerusform>
            <numerusform>More than %n conversations found</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="471"/>
        <source>Assigned to: %1</source>
        <translation>Assigned to: %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="473"/>
        <source>Reviewed by: %1</source>
        <translation>Reviewed by: %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="496"/>
        <source>Saved: %1</source>
        <translation>Saved: %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="597"/>
        <source>Notification sent again to %1</source>
        <translation>Notification sent again to %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="616"/>
        <source>No colleagues known yet: synchronise first.</source>
        <translation>No colleagues known yet: synchronise first.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="621"/>
        <source>Assign to</source>
        <translation>Assign to</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="622"/>
        <source>Which colleague reviews this conversation?</source>
        <translation>Which colleague reviews this conversation?</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="645"/>
        <source>Close zivverdesk?</source>
        <translation>Close zivverdesk?</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="647"/>
        <source>A message you are writing has not been sent or saved as a draft. Close anyway and lose it?</source>
        <translation>A message you are writing has not been sent or saved as a draft. Close anyway and lose it?</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="704"/>
        <source>Not up to date: %1</source>
        <translation>Not up to date: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../zivverdesk/gui/main_window.py" line="301"/>
        <source>%n conversation(s)</source>
        <translation>
            <numerusform>%n conversation</numerusform>
            <numerusform>%n conversations</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="633"/>
        <source>Synchronising…</source>
        <translation>Synchronising…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="203"/>
        <source>Set up…</source>
        <translation>Set up…</translation>
    </message>
</context>
<context>
    <name>NewCodeForm</name>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="222"/>
        <source>New access code</source>
        <translation>New access code</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="225"/>
        <source>Recipients at %1 need the new access code for messages sent from now on.</source>
        <translation>Recipients at %1 need the new access code for messages sent from now on.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="232"/>
        <source>&amp;New access code:</source>
        <translation>&amp;New access code:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="233"/>
        <source>&amp;Repeat access code:</source>
        <translation>&amp;Repeat access code:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="237"/>
        <source>The two access codes are not the same.</source>
        <translation>The two access codes are not the same.</translation>
    </message>
</context>
<context>
    <name>OrganisationForm</name>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="98"/>
        <source>Add organisation</source>
        <translation>Add organisation</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="98"/>
        <source>Edit organisation</source>
        <translation>Edit organisation</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="102"/>
        <source>example.nl, second.nl</source>
        <translation>example.nl, second.nl</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="104"/>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="105"/>
        <source>Mail &amp;domains:</source>
        <translation>Mail &amp;domains:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="106"/>
        <source>&amp;Contact person:</source>
        <translation>&amp;Contact person:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="110"/>
        <source>&amp;Access code:</source>
        <translation>&amp;Access code:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="111"/>
        <source>&amp;Repeat access code:</source>
        <translation>&amp;Repeat access code:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="114"/>
        <source>At least 6 characters. Leave it empty for an organisation without an access code.</source>
        <translation>At least 6 characters. Leave it empty for an organisation without an access code.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="124"/>
        <source>The two access codes are not the same.</source>
        <translation>The two access codes are not the same.</translation>
    </message>
</context>
<context>
    <name>OrganisationTableModel</name>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="114"/>
        <source>Yes</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="114"/>
        <source>No</source>
        <translation>No</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="118"/>
        <source>Organisation</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="119"/>
        <source>Mail domains</source>
        <translation>Mail domains</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="120"/>
        <source>Contact person</source>
        <translation>Contact person</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="121"/>
        <source>Access code</source>
        <translation>Access code</translation>
    </message>
</context>
<context>
    <name>Printing</name>
    <message>
        <location filename="../../zivverdesk/gui/printing.py" line="46"/>
        <source>Print conversation</source>
        <translation>Print conversation</translation>
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
<context>
    <name>RelayErrors</name>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="25"/>
        <source>The relay does not recognise this workstation (any more). Enrol it again under Set up.</source>
        <translation>The relay does not recognise this workstation (any more). Enrol it again under Set up.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="29"/>
        <source>The relay does not allow this for your account.</source>
        <translation>The relay does not allow this for your account.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="32"/>
        <source>The relay does not know this message or file (any more).</source>
        <translation>The relay does not know this message or file (any more).</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="35"/>
        <source>The relay already holds something else under this name. Synchronise and try again.</source>
        <translation>The relay already holds something else under this name. Synchronise and try again.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="39"/>
        <source>The message or an attachment is larger than the relay accepts.</source>
        <translation>The message or an attachment is larger than the relay accepts.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="42"/>
        <source>This message has been revoked.</source>
        <translation>This message has been revoked.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="43"/>
        <source>This message has expired.</source>
        <translation>This message has expired.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="44"/>
        <source>This is no longer stored on the relay.</source>
        <translation>This is no longer stored on the relay.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="47"/>
        <source>The relay has had too many requests. Wait a minute and try again.</source>
        <translation>The relay has had too many requests. Wait a minute and try again.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="50"/>
        <source>The relay is temporarily unavailable. Try again later.</source>
        <translation>The relay is temporarily unavailable. Try again later.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="53"/>
        <source>The relay refused the request as incorrect. The details are in the log file.</source>
        <translation>The relay refused the request as incorrect. The details are in the log file.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="64"/>
        <source>The relay (%1) cannot be reached. Check the internet connection, or try again later.</source>
        <translation>The relay (%1) cannot be reached. Check the internet connection, or try again later.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="69"/>
        <source>This enrollment code is unknown, used or expired. Ask the administrator for a new one.</source>
        <translation>This enrollment code is unknown, used or expired. Ask the administrator for a new one.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="75"/>
        <source>The administrator has revoked this workstation. Ask the administrator for a new enrollment code.</source>
        <translation>The administrator has revoked this workstation. Ask the administrator for a new enrollment code.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="85"/>
        <source>The relay gave an answer this program does not understand.</source>
        <translation>The relay gave an answer this program does not understand.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="90"/>
        <source>The relay refused the request (%1). The details are in the log file.</source>
        <translation>The relay refused the request (%1). The details are in the log file.</translation>
    </message>
</context>
<context>
    <name>SetupDialog</name>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="92"/>
        <source>Set up</source>
        <translation>Set up</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="103"/>
        <source>Advanced</source>
        <translation>Advanced</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="108"/>
        <source>Close</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="126"/>
        <source>Mail account</source>
        <translation>Mail account</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="131"/>
        <source>name@example.nl</source>
        <translation>name@example.nl</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="134"/>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="425"/>
        <source>Microsoft 365</source>
        <translation>Microsoft 365</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="135"/>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="425"/>
        <source>Google</source>
        <translation>Google</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="136"/>
        <source>Other mail server</source>
        <translation>Other mail server</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="149"/>
        <source>&amp;E-mail address:</source>
        <translation>&amp;E-mail address:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="150"/>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="151"/>
        <source>&amp;Organisation:</source>
        <translation>&amp;Organisation:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="152"/>
        <source>Mail provider:</source>
        <translation>Mail provider:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="159"/>
        <source>Test connection</source>
        <translation>Test connection</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="161"/>
        <source>Save</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="183"/>
        <source>Same as the e-mail address</source>
        <translation>Same as the e-mail address</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="186"/>
        <source>imap.example.nl</source>
        <translation>imap.example.nl</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="190"/>
        <source>smtp.example.nl</source>
        <translation>smtp.example.nl</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="193"/>
        <source>&amp;User name:</source>
        <translation>&amp;User name:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="194"/>
        <source>&amp;Password:</source>
        <translation>&amp;Password:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="196"/>
        <source>&amp;IMAP server:</source>
        <translation>&amp;IMAP server:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="200"/>
        <source>&amp;SMTP server:</source>
        <translation>&amp;SMTP server:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="208"/>
        <source>Port:</source>
        <translation>Port:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="217"/>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="222"/>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="223"/>
        <source>STARTTLS</source>
        <translation>STARTTLS</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="224"/>
        <source>None (unencrypted)</source>
        <translation>None (unencrypted)</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="226"/>
        <source>Security</source>
        <translation>Security</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="241"/>
        <source>Enrol this workstation</source>
        <translation>Enrol this workstation</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="249"/>
        <source>https://relay.example.nl</source>
        <translation>https://relay.example.nl</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="251"/>
        <source>The one-time code your administrator gave you.</source>
        <translation>The one-time code your administrator gave you.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="253"/>
        <source>Enrol</source>
        <translation>Enrol</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="255"/>
        <source>&amp;Relay address:</source>
        <translation>&amp;Relay address:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="256"/>
        <source>Enrollment &amp;code:</source>
        <translation>Enrollment &amp;code:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="282"/>
        <source>&amp;Language / Taal:</source>
        <translation>&amp;Language / Taal:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="297"/>
        <source>Takes effect the next time zivverdesk starts.</source>
        <translation>Takes effect the next time zivverdesk starts.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="310"/>
        <source>Fixed by your administrator.</source>
        <translation>Fixed by your administrator.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="315"/>
        <source>Browse…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="321"/>
        <source>Only for a mail server or relay with a certificate of its own; usually empty.</source>
        <translation>Only for a mail server or relay with a certificate of its own; usually empty.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="325"/>
        <source>CA &amp;file:</source>
        <translation>CA &amp;file:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="332"/>
        <source>Choose a CA file</source>
        <translation>Choose a CA file</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="334"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>Certificates (*.pem *.crt *.cer);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="389"/>
        <source>The mail account %1 is set up.</source>
        <translation>The mail account %1 is set up.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="395"/>
        <source>This workstation is enrolled with %1 as %2.</source>
        <translation>This workstation is enrolled with %1 as %2.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="400"/>
        <source>This workstation is set up.</source>
        <translation>This workstation is set up.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="402"/>
        <source>Still to do: enrol this workstation with the relay.</source>
        <translation>Still to do: enrol this workstation with the relay.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="404"/>
        <source>Still to do: add the mail account.</source>
        <translation>Still to do: add the mail account.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="407"/>
        <source>Still to do: add the mail account and enrol this workstation.</source>
        <translation>Still to do: add the mail account and enrol this workstation.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="428"/>
        <source>Save opens the sign-in page of %1 in your browser; sign in there with this e-mail address.</source>
        <translation>Save opens the sign-in page of %1 in your browser; sign in there with this e-mail address.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="442"/>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="472"/>
        <source>Fill in the e-mail address.</source>
        <translation>Fill in the e-mail address.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="446"/>
        <source>Fill in the IMAP server and the SMTP server.</source>
        <translation>Fill in the IMAP server and the SMTP server.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="449"/>
        <source>Fill in the password.</source>
        <translation>Fill in the password.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="495"/>
        <source>Testing the connection…</source>
        <translation>Testing the connection…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="499"/>
        <source>The connection works: the IMAP and SMTP servers accepted the sign-in.</source>
        <translation>The connection works: the IMAP and SMTP servers accepted the sign-in.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="522"/>
        <source>Testing the connection and saving…</source>
        <translation>Testing the connection and saving…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="530"/>
        <source>Sign in in your browser…</source>
        <translation>Sign in in your browser…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="537"/>
        <source>Mail account %1 saved.</source>
        <translation>Mail account %1 saved.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="555"/>
        <source>Fill in the relay address.</source>
        <translation>Fill in the relay address.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="558"/>
        <source>Fill in the enrollment code.</source>
        <translation>Fill in the enrollment code.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="562"/>
        <source>Enrolling…</source>
        <translation>Enrolling…</translation>
    </message>
</context>
<context>
    <name>SingleInstance</name>
    <message>
        <location filename="../../zivverdesk/gui/single_instance.py" line="89"/>
        <source>zivverdesk is already open for this profile but does not respond. Close it (or end it in Task Manager) and start zivverdesk again.</source>
        <translation>zivverdesk is already open for this profile but does not respond. Close it (or end it in Task Manager) and start zivverdesk again.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/single_instance.py" line="97"/>
        <source>zivverdesk is already open</source>
        <translation>zivverdesk is already open</translation>
    </message>
</context>
</TS>
