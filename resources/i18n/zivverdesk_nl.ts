<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="nl_NL">
<context>
    <name>AddressBookDialog</name>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="87"/>
        <source>Address book</source>
        <translation>Adresboek</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="103"/>
        <source>Organisations</source>
        <translation>Organisaties</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="104"/>
        <source>Contacts</source>
        <translation>Contactpersonen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="108"/>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="134"/>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="135"/>
        <source>Search</source>
        <translation>Zoeken</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="143"/>
        <source>Find by name, mail domain or contact person</source>
        <translation>Zoek op naam, maildomein of contactpersoon</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="150"/>
        <source>Access code</source>
        <translation>Toegangscode</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="151"/>
        <source>Show access code</source>
        <translation>Toegangscode tonen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="153"/>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="185"/>
        <source>Add…</source>
        <translation>Toevoegen…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="155"/>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="187"/>
        <source>Edit…</source>
        <translation>Wijzigen…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="157"/>
        <source>New access code…</source>
        <translation>Nieuwe toegangscode…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="159"/>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="189"/>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="449"/>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="451"/>
        <source>Delete</source>
        <translation>Verwijderen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="163"/>
        <source>Access code:</source>
        <translation>Toegangscode:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="182"/>
        <source>Find by name, e-mail address, mobile number or organisation</source>
        <translation>Zoek op naam, e-mailadres, mobiel nummer of organisatie</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="191"/>
        <source>Import…</source>
        <translation>Importeren…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="297"/>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="311"/>
        <source>No access code</source>
        <translation>Geen toegangscode</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="345"/>
        <source>New access code saved. Recipients at %1 need the new access code for messages sent from now on.</source>
        <translation>Nieuwe toegangscode opgeslagen. Ontvangers bij %1 hebben voor berichten die vanaf nu worden verstuurd de nieuwe toegangscode nodig.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="393"/>
        <source>Organisation %1 saved.</source>
        <translation>Organisatie %1 opgeslagen.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="426"/>
        <source>Contact %1 saved.</source>
        <translation>Contactpersoon %1 opgeslagen.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="452"/>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="483"/>
        <source>Its mail domains and its access code are deleted from this computer. Messages already sent stay as they are.</source>
        <translation>De maildomeinen en de toegangscode worden van deze computer verwijderd. Berichten die al zijn verstuurd, blijven zoals ze zijn.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="489"/>
        <source>These contacts belong to it: %1. They stay in the address book without an organisation; the next message to them needs a check of its own (a code by SMS or by e-mail).</source>
        <translation>Deze contactpersonen horen erbij: %1. Zij blijven in het adresboek zonder organisatie; voor het volgende bericht aan hen is een eigen controle nodig (een code per sms of per e-mail).</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="498"/>
        <source>Organisation %1 deleted.</source>
        <translation>Organisatie %1 verwijderd.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="503"/>
        <source>Delete organisation %1?</source>
        <translation>Organisatie %1 verwijderen?</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="517"/>
        <source>Contact %1 deleted.</source>
        <translation>Contactpersoon %1 verwijderd.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="522"/>
        <source>Delete contact %1?</source>
        <translation>Contactpersoon %1 verwijderen?</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="524"/>
        <source>The name and mobile number are deleted from this computer. Messages already sent stay as they are.</source>
        <translation>De naam en het mobiele nummer worden van deze computer verwijderd. Berichten die al zijn verstuurd, blijven zoals ze zijn.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="536"/>
        <source>Import contacts</source>
        <translation>Contactpersonen importeren</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="536"/>
        <source>Contacts (*.csv *.vcf)</source>
        <translation>Contactpersonen (*.csv *.vcf)</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_dialog.py" line="542"/>
        <source>Importing…</source>
        <translation>Bezig met importeren…</translation>
    </message>
</context>
<context>
    <name>AddressBookForm</name>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="56"/>
        <source>Save</source>
        <translation>Opslaan</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="59"/>
        <source>Cancel</source>
        <translation>Annuleren</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="80"/>
        <source>Saving…</source>
        <translation>Bezig met opslaan…</translation>
    </message>
</context>
<context>
    <name>ArrivalNotice</name>
    <message numerus="yes">
        <location filename="../../zivverdesk/gui/arrival_notice.py" line="40"/>
        <source>%n new secure message(s)</source>
        <translation>
            <numerusform>%n nieuw beveiligd bericht</numerusform>
            <numerusform>%n nieuwe beveiligde berichten</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AttachmentsPanel</name>
    <message>
        <location filename="../../zivverdesk/gui/attachments_panel.py" line="44"/>
        <location filename="../../zivverdesk/gui/attachments_panel.py" line="50"/>
        <source>Attachments</source>
        <translation>Bijlagen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/attachments_panel.py" line="47"/>
        <source>Save…</source>
        <translation>Opslaan…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/attachments_panel.py" line="77"/>
        <source>Save attachment</source>
        <translation>Bijlage opslaan</translation>
    </message>
</context>
<context>
    <name>ComposerDialog</name>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="72"/>
        <source>New secure message</source>
        <translation>Nieuw beveiligd bericht</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="77"/>
        <source>name@example.nl; second@example.nl</source>
        <translation>naam@voorbeeld.nl; tweede@voorbeeld.nl</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="94"/>
        <source>&amp;To:</source>
        <translation>&amp;Aan:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="95"/>
        <source>Recipient check:</source>
        <translation>Ontvangerscontrole:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="96"/>
        <source>&amp;Subject:</source>
        <translation>&amp;Onderwerp:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="98"/>
        <source>Office default</source>
        <translation>Standaard van het kantoor</translation>
    </message>
    <message numerus="yes">
        <location filename="../../zivverdesk/gui/composer.py" line="100"/>
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n dag</numerusform>
            <numerusform>%n dagen</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="102"/>
        <source>After this the message&apos;s content is deleted and it can no longer be opened.</source>
        <translation>Daarna wordt de inhoud van het bericht verwijderd en kan het niet meer worden geopend.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="104"/>
        <source>&amp;Available for:</source>
        <translation>&amp;Beschikbaar:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="108"/>
        <location filename="../../zivverdesk/gui/composer.py" line="293"/>
        <source>Add attachment</source>
        <translation>Bijlage toevoegen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="110"/>
        <source>Remove</source>
        <translation>Verwijderen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="113"/>
        <source>Send securely</source>
        <translation>Veilig verzenden</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="116"/>
        <location filename="../../zivverdesk/gui/composer.py" line="343"/>
        <source>Send without protection</source>
        <translation>Verzenden zonder beveiliging</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="126"/>
        <source>Save as draft</source>
        <translation>Opslaan als concept</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="143"/>
        <source>Only if you typed an access code for this recipient yourself</source>
        <translation>Alleen als u voor deze ontvanger zelf een toegangscode hebt ingetypt</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="156"/>
        <source>Reply</source>
        <translation>Beantwoorden</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="171"/>
        <source>Access code:</source>
        <translation>Toegangscode:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="191"/>
        <source>Saving draft…</source>
        <translation>Concept opslaan…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="197"/>
        <source>Draft saved.</source>
        <translation>Concept opgeslagen.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="218"/>
        <source>Keep as draft?</source>
        <translation>Als concept bewaren?</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="219"/>
        <source>This message has not been sent. Keep it as a draft?</source>
        <translation>Dit bericht is niet verzonden. Als concept bewaren?</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="259"/>
        <source>A folder cannot be attached: %1</source>
        <translation>Een map kan niet als bijlage worden toegevoegd: %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="334"/>
        <source>Enter at least one recipient.</source>
        <translation>Vul minstens één ontvanger in.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="345"/>
        <source>This message and its attachments will be sent as ordinary e-mail that others can read. Only do this when it contains no personal or medical information. Send without protection?</source>
        <translation>Dit bericht en de bijlagen worden als gewone e-mail verstuurd die anderen kunnen lezen. Doe dit alleen als er geen persoonlijke of medische gegevens in staan. Verzenden zonder beveiliging?</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/composer.py" line="354"/>
        <source>Sending…</source>
        <translation>Bezig met verzenden…</translation>
    </message>
</context>
<context>
    <name>ContactForm</name>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="165"/>
        <source>Add contact</source>
        <translation>Contactpersoon toevoegen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="165"/>
        <source>Edit contact</source>
        <translation>Contactpersoon wijzigen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="179"/>
        <source>(none)</source>
        <translation>(geen)</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="186"/>
        <source>&amp;E-mail address:</source>
        <translation>&amp;E-mailadres:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="187"/>
        <source>&amp;Name:</source>
        <translation>&amp;Naam:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="188"/>
        <source>&amp;Mobile number:</source>
        <translation>&amp;Mobiel nummer:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="190"/>
        <source>&amp;Organisation:</source>
        <translation>&amp;Organisatie:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="200"/>
        <source>Not a valid mobile number. Type it as 06 12345678 or +31 6 12345678; a Dutch mobile number starts with 06.</source>
        <translation>Geen geldig mobiel nummer. Typ het als 06 12345678 of +31 6 12345678; een Nederlands mobiel nummer begint met 06.</translation>
    </message>
</context>
<context>
    <name>ContactTableModel</name>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="148"/>
        <source>Name</source>
        <translation>Naam</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="149"/>
        <source>E-mail address</source>
        <translation>E-mailadres</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="150"/>
        <source>Mobile number</source>
        <translation>Mobiel nummer</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="151"/>
        <source>Organisation</source>
        <translation>Organisatie</translation>
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
        <translation>Contactpersoon</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/conversation_model.py" line="99"/>
        <source>Subject</source>
        <translation>Onderwerp</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/conversation_model.py" line="100"/>
        <source>Date</source>
        <translation>Datum</translation>
    </message>
</context>
<context>
    <name>Details</name>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="26"/>
        <source>Waiting to be sent</source>
        <translation>Wacht op verzending</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="27"/>
        <source>Not delivered</source>
        <translation>Niet afgeleverd</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="28"/>
        <source>Not opened</source>
        <translation>Niet geopend</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="29"/>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="48"/>
        <source>Opened</source>
        <translation>Geopend</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="30"/>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="53"/>
        <source>Revoked</source>
        <translation>Ingetrokken</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="31"/>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="54"/>
        <source>Expired</source>
        <translation>Verlopen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="38"/>
        <source>Notification accepted by the mail server</source>
        <translation>Melding afgeleverd bij de mailserver</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="41"/>
        <source>Notification refused by the mail server</source>
        <translation>Melding geweigerd door de mailserver</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="44"/>
        <source>Link looked at (by a mail scanner or the recipient)</source>
        <translation>Link bekeken (door een mailscanner of de ontvanger)</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="47"/>
        <source>Recipient check passed</source>
        <translation>Ontvangerscontrole geslaagd</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="49"/>
        <source>Attachment downloaded</source>
        <translation>Bijlage gedownload</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="50"/>
        <source>Replied</source>
        <translation>Beantwoord</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="51"/>
        <source>Wrong code entered</source>
        <translation>Onjuiste code ingevoerd</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="52"/>
        <source>Locked after too many wrong attempts</source>
        <translation>Geblokkeerd na te veel onjuiste pogingen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="55"/>
        <source>Message received</source>
        <translation>Bericht ontvangen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="56"/>
        <source>Review changed</source>
        <translation>Beoordeling gewijzigd</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="57"/>
        <source>Mail could not be sent</source>
        <translation>Mail kon niet worden verstuurd</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="63"/>
        <source>Access code</source>
        <translation>Toegangscode</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="64"/>
        <source>SMS code</source>
        <translation>Sms-code</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="65"/>
        <source>E-mail code</source>
        <translation>E-mailcode</translation>
    </message>
</context>
<context>
    <name>DetailsDialog</name>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="75"/>
        <source>Message details</source>
        <translation>Berichtdetails</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="79"/>
        <source>Recipient</source>
        <translation>Ontvanger</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="79"/>
        <source>Check</source>
        <translation>Ontvangerscontrole</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="79"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="93"/>
        <source>Resend notification</source>
        <translation>Melding opnieuw versturen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="95"/>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="139"/>
        <source>Send to another address</source>
        <translation>Naar ander adres versturen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="97"/>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="168"/>
        <source>Revoke</source>
        <translation>Intrekken</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="110"/>
        <source>Can be opened until %1</source>
        <translation>Te openen tot %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="139"/>
        <source>New e-mail address:</source>
        <translation>Nieuw e-mailadres:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="156"/>
        <source>Access code</source>
        <translation>Toegangscode</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="158"/>
        <source>The access code you typed for %1 when sending. Leave empty when it is the access code of their organisation.</source>
        <translation>De toegangscode die u bij het versturen voor %1 hebt ingetypt. Laat leeg als het de toegangscode van de organisatie is.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/details_dialog.py" line="169"/>
        <source>Nobody will be able to open this message any more. Revoke it?</source>
        <translation>Niemand kan dit bericht daarna nog openen. Intrekken?</translation>
    </message>
</context>
<context>
    <name>Envelope</name>
    <message>
        <location filename="../../zivverdesk/gui/conversation_model.py" line="88"/>
        <source>Opened</source>
        <extracomment>Handed back to the backend for the next page; what it holds is the backend&apos;s own business (so a page can start where the last one ended, not count rows from the top). None when no rows follow. Gives the page that starts at a `ConversationPage.next` (None: the first page), at most `limit` rows. Runs `work` on a worker thread, then hands its page to `done`, or its error to `failed`, on the GUI thread.</extracomment>
        <translation>Geopend</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/conversation_model.py" line="89"/>
        <source>Not opened</source>
        <translation>Niet geopend</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/conversation_model.py" line="90"/>
        <source>Partly opened</source>
        <translation>Deels geopend</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/conversation_model.py" line="91"/>
        <source>Not delivered</source>
        <translation>Niet afgeleverd</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/conversation_model.py" line="92"/>
        <source>Not encrypted</source>
        <translation>Niet versleuteld</translation>
    </message>
</context>
<context>
    <name>FolderNames</name>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="102"/>
        <source>Secure</source>
        <translation>Beveiligd</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="103"/>
        <source>To review</source>
        <translation>Te beoordelen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="104"/>
        <source>Inbox</source>
        <translation>Postvak IN</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="105"/>
        <source>Sent</source>
        <translation>Verzonden</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="106"/>
        <source>All mail</source>
        <translation>Alle e-mail</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="107"/>
        <source>Drafts</source>
        <translation>Concepten</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/engine_backend.py" line="108"/>
        <source>Outbox</source>
        <translation>Postvak UIT</translation>
    </message>
</context>
<context>
    <name>ImportReportDialog</name>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="246"/>
        <source>Import contacts</source>
        <translation>Contactpersonen importeren</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="251"/>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="257"/>
        <source>Remarks:</source>
        <translation>Opmerkingen:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="264"/>
        <source>Added: %1, updated: %2, skipped: %3.</source>
        <translation>Toegevoegd: %1, bijgewerkt: %2, overgeslagen: %3.</translation>
    </message>
</context>
<context>
    <name>MailErrors</name>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="99"/>
        <source>The connection to the mail server %1 was lost (%2). Check the internet connection, or try again later.</source>
        <translation>De verbinding met mailserver %1 is verbroken (%2). Controleer de internetverbinding of probeer het later opnieuw.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="105"/>
        <source>The mail server %1 cannot be reached (%2). Check the internet connection, or try again later.</source>
        <translation>Mailserver %1 is niet bereikbaar (%2). Controleer de internetverbinding of probeer het later opnieuw.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="194"/>
        <source>Address book</source>
        <translation>Adresboek</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="124"/>
        <source>Something went wrong. The details are in the log file.</source>
        <translation>Er ging iets mis. De details staan in het logbestand.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="94"/>
        <source>Folders</source>
        <translation>Mappen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="112"/>
        <source>Message</source>
        <translation>Bericht</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="113"/>
        <source>Choose a conversation in the list to read it.</source>
        <translation>Kies een gesprek in de lijst om het te lezen.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="163"/>
        <source>Main</source>
        <translation>Hoofdbalk</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="167"/>
        <source>New secure message</source>
        <translation>Nieuw beveiligd bericht</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="170"/>
        <source>Message details</source>
        <translation>Berichtdetails</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="172"/>
        <source>Synchronise</source>
        <translation>Synchroniseren</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="177"/>
        <source>Mark as reviewed</source>
        <translation>Markeren als beoordeeld</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="179"/>
        <source>Assign to…</source>
        <translation>Toewijzen aan…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="181"/>
        <source>Reply</source>
        <translation>Beantwoorden</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="198"/>
        <source>Print…</source>
        <translation>Afdrukken…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="211"/>
        <location filename="../../zivverdesk/gui/main_window.py" line="212"/>
        <location filename="../../zivverdesk/gui/main_window.py" line="221"/>
        <source>Search</source>
        <translation>Zoeken</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="213"/>
        <source>Find mail by contact, subject or text</source>
        <translation>Zoek op contactpersoon, onderwerp of tekst</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="306"/>
        <source>Searching…</source>
        <translation>Bezig met zoeken…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="348"/>
        <source>Nothing found</source>
        <translation>Niets gevonden</translation>
    </message>
    <message numerus="yes">
        <location filename="../../zivverdesk/gui/main_window.py" line="350"/>
        <source>%n conversation(s) found</source>
        <translation>
            <numerusform>%n gesprek gevonden</numerusform>
            <numerusform>%n gesprekken gevonden</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../zivverdesk/gui/main_window.py" line="352"/>
        <source>More than %n conversations found</source>
        <translation>
            <numerusform>Meer dan %n gesprek gevonden</numerusform>
            <numerusform>Meer dan %n gesprekken gevonden</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="471"/>
        <source>Assigned to: %1</source>
        <translation>Toegewezen aan: %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="473"/>
        <source>Reviewed by: %1</source>
        <translation>Beoordeeld door: %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="496"/>
        <source>Saved: %1</source>
        <translation>Opgeslagen: %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="597"/>
        <source>Notification sent again to %1</source>
        <translation>Melding opnieuw verstuurd naar %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="616"/>
        <source>No colleagues known yet: synchronise first.</source>
        <translation>Nog geen collega&apos;s bekend: synchroniseer eerst.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="621"/>
        <source>Assign to</source>
        <translation>Toewijzen aan</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="622"/>
        <source>Which colleague reviews this conversation?</source>
        <translation>Welke collega beoordeelt dit gesprek?</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="645"/>
        <source>Close zivverdesk?</source>
        <translation>zivverdesk afsluiten?</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="647"/>
        <source>A message you are writing has not been sent or saved as a draft. Close anyway and lose it?</source>
        <translation>Een bericht dat u aan het schrijven bent, is niet verzonden en niet als concept bewaard. Toch afsluiten? Het bericht gaat dan verloren.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="704"/>
        <source>Not up to date: %1</source>
        <translation>Niet bijgewerkt: %1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../zivverdesk/gui/main_window.py" line="301"/>
        <source>%n conversation(s)</source>
        <translation>
            <numerusform>%n gesprek</numerusform>
            <numerusform>%n gesprekken</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="633"/>
        <source>Synchronising…</source>
        <translation>Bezig met synchroniseren…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/main_window.py" line="203"/>
        <source>Set up…</source>
        <translation>Instellen…</translation>
    </message>
</context>
<context>
    <name>NewCodeForm</name>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="222"/>
        <source>New access code</source>
        <translation>Nieuwe toegangscode</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="225"/>
        <source>Recipients at %1 need the new access code for messages sent from now on.</source>
        <translation>Ontvangers bij %1 hebben voor berichten die vanaf nu worden verstuurd de nieuwe toegangscode nodig.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="232"/>
        <source>&amp;New access code:</source>
        <translation>&amp;Nieuwe toegangscode:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="233"/>
        <source>&amp;Repeat access code:</source>
        <translation>&amp;Herhaal toegangscode:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="237"/>
        <source>The two access codes are not the same.</source>
        <translation>De twee toegangscodes zijn niet gelijk.</translation>
    </message>
</context>
<context>
    <name>OrganisationForm</name>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="98"/>
        <source>Add organisation</source>
        <translation>Organisatie toevoegen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="98"/>
        <source>Edit organisation</source>
        <translation>Organisatie wijzigen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="102"/>
        <source>example.nl, second.nl</source>
        <translation>voorbeeld.nl, tweede.nl</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="104"/>
        <source>&amp;Name:</source>
        <translation>&amp;Naam:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="105"/>
        <source>Mail &amp;domains:</source>
        <translation>Mail&amp;domeinen:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="106"/>
        <source>&amp;Contact person:</source>
        <translation>&amp;Contactpersoon:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="110"/>
        <source>&amp;Access code:</source>
        <translation>&amp;Toegangscode:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="111"/>
        <source>&amp;Repeat access code:</source>
        <translation>&amp;Herhaal toegangscode:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="114"/>
        <source>At least 6 characters. Leave it empty for an organisation without an access code.</source>
        <translation>Minstens 6 tekens. Laat het leeg voor een organisatie zonder toegangscode.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_forms.py" line="124"/>
        <source>The two access codes are not the same.</source>
        <translation>De twee toegangscodes zijn niet gelijk.</translation>
    </message>
</context>
<context>
    <name>OrganisationTableModel</name>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="114"/>
        <source>Yes</source>
        <translation>Ja</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="114"/>
        <source>No</source>
        <translation>Nee</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="118"/>
        <source>Organisation</source>
        <translation>Organisatie</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="119"/>
        <source>Mail domains</source>
        <translation>Maildomeinen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="120"/>
        <source>Contact person</source>
        <translation>Contactpersoon</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/addressbook_models.py" line="121"/>
        <source>Access code</source>
        <translation>Toegangscode</translation>
    </message>
</context>
<context>
    <name>Printing</name>
    <message>
        <location filename="../../zivverdesk/gui/printing.py" line="46"/>
        <source>Print conversation</source>
        <translation>Gesprek afdrukken</translation>
    </message>
</context>
<context>
    <name>RecipientChecksTable</name>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="43"/>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="45"/>
        <source>Recipient check</source>
        <translation>Ontvangerscontrole</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="45"/>
        <source>Recipient</source>
        <translation>Ontvanger</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="45"/>
        <source>Code or mobile number</source>
        <translation>Code of mobiel nummer</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="112"/>
        <source>Enter the access code for %1.</source>
        <translation>Vul de toegangscode in voor %1.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="114"/>
        <source>Enter a mobile number for %1.</source>
        <translation>Vul een mobiel nummer in voor %1.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="117"/>
        <source>Choose a recipient check for %1.</source>
        <translation>Kies een ontvangerscontrole voor %1.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="128"/>
        <source>From the address book</source>
        <translation>Uit het adresboek</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="129"/>
        <source>Access code</source>
        <translation>Toegangscode</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="130"/>
        <source>Code by SMS</source>
        <translation>Code per sms</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="131"/>
        <source>Code by e-mail</source>
        <translation>Code per e-mail</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="134"/>
        <source>Recipient check for %1</source>
        <translation>Ontvangerscontrole voor %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="156"/>
        <source>Access code agreed with the recipient</source>
        <translation>Toegangscode die u met de ontvanger hebt afgesproken</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="158"/>
        <source>Mobile number, e.g. 06 12345678</source>
        <translation>Mobiel nummer, bijv. 06 12345678</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="161"/>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="175"/>
        <source>A code is sent to this address</source>
        <translation>Er gaat een code naar dit adres</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="169"/>
        <source>Looking up…</source>
        <translation>Opzoeken…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="171"/>
        <source>Access code of %1</source>
        <translation>Toegangscode van %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="173"/>
        <source>Code by SMS to %1</source>
        <translation>Code per sms naar %1</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/recipient_checks.py" line="176"/>
        <source>Not in the address book: choose a check</source>
        <translation>Niet in het adresboek: kies een controle</translation>
    </message>
</context>
<context>
    <name>RelayErrors</name>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="25"/>
        <source>The relay does not recognise this workstation (any more). Enrol it again under Set up.</source>
        <translation>De relay herkent deze werkplek niet (meer). Schrijf hem opnieuw in via Instellen.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="29"/>
        <source>The relay does not allow this for your account.</source>
        <translation>De relay staat dit niet toe voor uw account.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="32"/>
        <source>The relay does not know this message or file (any more).</source>
        <translation>De relay kent dit bericht of bestand niet (meer).</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="35"/>
        <source>The relay already holds something else under this name. Synchronise and try again.</source>
        <translation>De relay heeft onder deze naam al iets anders. Synchroniseer en probeer het opnieuw.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="39"/>
        <source>The message or an attachment is larger than the relay accepts.</source>
        <translation>Het bericht of een bijlage is groter dan de relay toestaat.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="42"/>
        <source>This message has been revoked.</source>
        <translation>Dit bericht is ingetrokken.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="43"/>
        <source>This message has expired.</source>
        <translation>Dit bericht is verlopen.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="44"/>
        <source>This is no longer stored on the relay.</source>
        <translation>Dit staat niet meer op de relay.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="47"/>
        <source>The relay has had too many requests. Wait a minute and try again.</source>
        <translation>De relay heeft te veel verzoeken gekregen. Wacht een minuut en probeer het opnieuw.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="50"/>
        <source>The relay is temporarily unavailable. Try again later.</source>
        <translation>De relay is tijdelijk niet beschikbaar. Probeer het later opnieuw.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="53"/>
        <source>The relay refused the request as incorrect. The details are in the log file.</source>
        <translation>De relay weigerde het verzoek als onjuist. De details staan in het logbestand.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="64"/>
        <source>The relay (%1) cannot be reached. Check the internet connection, or try again later.</source>
        <translation>De relay (%1) is niet bereikbaar. Controleer de internetverbinding of probeer het later opnieuw.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="69"/>
        <source>This enrollment code is unknown, used or expired. Ask the administrator for a new one.</source>
        <translation>Deze inschrijvingscode is onbekend, al gebruikt of verlopen. Vraag de beheerder om een nieuwe.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="75"/>
        <source>The administrator has revoked this workstation. Ask the administrator for a new enrollment code.</source>
        <translation>De beheerder heeft deze werkplek ingetrokken. Vraag de beheerder om een nieuwe inschrijvingscode.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="85"/>
        <source>The relay gave an answer this program does not understand.</source>
        <translation>De relay gaf een antwoord dat dit programma niet begrijpt.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/errors.py" line="90"/>
        <source>The relay refused the request (%1). The details are in the log file.</source>
        <translation>De relay weigerde het verzoek (%1). De details staan in het logbestand.</translation>
    </message>
</context>
<context>
    <name>SetupDialog</name>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="92"/>
        <source>Set up</source>
        <translation>Instellen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="103"/>
        <source>Advanced</source>
        <translation>Geavanceerd</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="108"/>
        <source>Close</source>
        <translation>Sluiten</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="126"/>
        <source>Mail account</source>
        <translation>E-mailaccount</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="131"/>
        <source>name@example.nl</source>
        <translation>naam@voorbeeld.nl</translation>
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
        <translation>Andere mailserver</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="149"/>
        <source>&amp;E-mail address:</source>
        <translation>&amp;E-mailadres:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="150"/>
        <source>&amp;Name:</source>
        <translation>&amp;Naam:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="151"/>
        <source>&amp;Organisation:</source>
        <translation>&amp;Organisatie:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="152"/>
        <source>Mail provider:</source>
        <translation>Soort account:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="159"/>
        <source>Test connection</source>
        <translation>Verbinding testen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="161"/>
        <source>Save</source>
        <translation>Opslaan</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="183"/>
        <source>Same as the e-mail address</source>
        <translation>Gelijk aan het e-mailadres</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="186"/>
        <source>imap.example.nl</source>
        <translation>imap.voorbeeld.nl</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="190"/>
        <source>smtp.example.nl</source>
        <translation>smtp.voorbeeld.nl</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="193"/>
        <source>&amp;User name:</source>
        <translation>&amp;Gebruikersnaam:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="194"/>
        <source>&amp;Password:</source>
        <translation>&amp;Wachtwoord:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="196"/>
        <source>&amp;IMAP server:</source>
        <translation>&amp;IMAP-server:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="200"/>
        <source>&amp;SMTP server:</source>
        <translation>&amp;SMTP-server:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="208"/>
        <source>Port:</source>
        <translation>Poort:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="217"/>
        <source>Port</source>
        <translation>Poort</translation>
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
        <translation>Geen (onversleuteld)</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="226"/>
        <source>Security</source>
        <translation>Beveiliging</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="241"/>
        <source>Enrol this workstation</source>
        <translation>Werkplek inschrijven</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="249"/>
        <source>https://relay.example.nl</source>
        <translation>https://relay.voorbeeld.nl</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="251"/>
        <source>The one-time code your administrator gave you.</source>
        <translation>De eenmalige code die u van uw beheerder hebt gekregen.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="253"/>
        <source>Enrol</source>
        <translation>Inschrijven</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="255"/>
        <source>&amp;Relay address:</source>
        <translation>&amp;Relay-adres:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="256"/>
        <source>Enrollment &amp;code:</source>
        <translation>Inschrijvings&amp;code:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="282"/>
        <source>&amp;Language / Taal:</source>
        <translation>&amp;Taal / Language:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="297"/>
        <source>Takes effect the next time zivverdesk starts.</source>
        <translation>Geldt vanaf de volgende keer dat zivverdesk start.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="310"/>
        <source>Fixed by your administrator.</source>
        <translation>Vastgezet door uw beheerder.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="315"/>
        <source>Browse…</source>
        <translation>Bladeren…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="321"/>
        <source>Only for a mail server or relay with a certificate of its own; usually empty.</source>
        <translation>Alleen voor een mailserver of relay met een eigen certificaat; meestal leeg.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="325"/>
        <source>CA &amp;file:</source>
        <translation>CA-&amp;bestand:</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="332"/>
        <source>Choose a CA file</source>
        <translation>CA-bestand kiezen</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="334"/>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>Certificaten (*.pem *.crt *.cer);;Alle bestanden (*)</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="389"/>
        <source>The mail account %1 is set up.</source>
        <translation>Het e-mailaccount %1 is ingesteld.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="395"/>
        <source>This workstation is enrolled with %1 as %2.</source>
        <translation>Deze werkplek is ingeschreven bij %1 als %2.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="400"/>
        <source>This workstation is set up.</source>
        <translation>Deze werkplek is ingesteld.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="402"/>
        <source>Still to do: enrol this workstation with the relay.</source>
        <translation>Nog te doen: deze werkplek inschrijven bij de relay.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="404"/>
        <source>Still to do: add the mail account.</source>
        <translation>Nog te doen: het e-mailaccount toevoegen.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="407"/>
        <source>Still to do: add the mail account and enrol this workstation.</source>
        <translation>Nog te doen: het e-mailaccount toevoegen en deze werkplek inschrijven.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="428"/>
        <source>Save opens the sign-in page of %1 in your browser; sign in there with this e-mail address.</source>
        <translation>Opslaan opent de aanmeldpagina van %1 in uw browser; meld u daar aan met dit e-mailadres.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="442"/>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="472"/>
        <source>Fill in the e-mail address.</source>
        <translation>Vul het e-mailadres in.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="446"/>
        <source>Fill in the IMAP server and the SMTP server.</source>
        <translation>Vul de IMAP-server en de SMTP-server in.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="449"/>
        <source>Fill in the password.</source>
        <translation>Vul het wachtwoord in.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="495"/>
        <source>Testing the connection…</source>
        <translation>Bezig met verbinding testen…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="499"/>
        <source>The connection works: the IMAP and SMTP servers accepted the sign-in.</source>
        <translation>De verbinding werkt: de IMAP- en de SMTP-server accepteren de aanmelding.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="522"/>
        <source>Testing the connection and saving…</source>
        <translation>Bezig met verbinding testen en opslaan…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="530"/>
        <source>Sign in in your browser…</source>
        <translation>Meld u aan in uw browser…</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="537"/>
        <source>Mail account %1 saved.</source>
        <translation>E-mailaccount %1 opgeslagen.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="555"/>
        <source>Fill in the relay address.</source>
        <translation>Vul het relay-adres in.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="558"/>
        <source>Fill in the enrollment code.</source>
        <translation>Vul de inschrijvingscode in.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/setup_dialog.py" line="562"/>
        <source>Enrolling…</source>
        <translation>Bezig met inschrijven…</translation>
    </message>
</context>
<context>
    <name>SingleInstance</name>
    <message>
        <location filename="../../zivverdesk/gui/single_instance.py" line="89"/>
        <source>zivverdesk is already open for this profile but does not respond. Close it (or end it in Task Manager) and start zivverdesk again.</source>
        <translation>zivverdesk is al geopend voor dit profiel, maar reageert niet. Sluit het (of beëindig het in Taakbeheer) en start zivverdesk opnieuw.</translation>
    </message>
    <message>
        <location filename="../../zivverdesk/gui/single_instance.py" line="97"/>
        <source>zivverdesk is already open</source>
        <translation>zivverdesk is al geopend</translation>
    </message>
</context>
</TS>
