<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>DuplicateDialog</name>
    <message numerus="yes">
        <source>%n more matching registration(s).</source>
        <translation>
            <numerusform>%n more matching registration.</numerusform>
            <numerusform>%n more matching registrations.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FiguresScreen</name>
    <message numerus="yes">
        <source>%n registration(s) counted</source>
        <translation>
            <numerusform>%n registration counted</numerusform>
            <numerusform>%n registrations counted</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n event(s)</source>
        <translation>
            <numerusform>%n event</numerusform>
            <numerusform>%n events</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message numerus="yes">
        <source>You can try again in %n second(s).</source>
        <translation>
            <numerusform>You can try again in %n second.</numerusform>
            <numerusform>You can try again in %n seconds.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MediaScreen</name>
    <message numerus="yes">
        <source>%n registration(s) wait for the hub&apos;s receipt.</source>
        <translation>
            <numerusform>%n registration waits for the hub&apos;s receipt.</numerusform>
            <numerusform>%n registrations wait for the hub&apos;s receipt.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n batch file(s) written to {folder}.</source>
        <translation>
            <numerusform>%n batch file written to {folder}.</numerusform>
            <numerusform>%n batch files written to {folder}.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n receipt(s) applied:</source>
        <translation>
            <numerusform>%n receipt applied:</numerusform>
            <numerusform>%n receipts applied:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n receipt file(s) are for other laptops and were left alone.</source>
        <translation>
            <numerusform>%n receipt file is for another laptop and was left alone.</numerusform>
            <numerusform>%n receipt files are for other laptops and were left alone.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OperatorsScreen</name>
    <message numerus="yes">
        <source>%n wrong passphrase(s)</source>
        <translation>
            <numerusform>%n wrong passphrase</numerusform>
            <numerusform>%n wrong passphrases</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RegistrationsScreen</name>
    <message numerus="yes">
        <source>%n registration(s) shown</source>
        <translation>
            <numerusform>%n registration shown</numerusform>
            <numerusform>%n registrations shown</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RepairScreen</name>
    <message numerus="yes">
        <source>%n registration(s) made since then may be lost.</source>
        <translation>
            <numerusform>%n registration made since then may be lost.</numerusform>
            <numerusform>%n registrations made since then may be lost.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n registration(s) recovered.</source>
        <translation>
            <numerusform>%n registration recovered.</numerusform>
            <numerusform>%n registrations recovered.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n registration(s) could not be read and are lost.</source>
        <translation>
            <numerusform>%n registration could not be read and is lost.</numerusform>
            <numerusform>%n registrations could not be read and are lost.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SyncIndicator</name>
    <message numerus="yes">
        <source>%n registration(s) kept on this laptop</source>
        <translation>
            <numerusform>%n registration kept on this laptop</numerusform>
            <numerusform>%n registrations kept on this laptop</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n waiting</source>
        <translation>
            <numerusform>%n waiting</numerusform>
            <numerusform>%n waiting</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SyncLogScreen</name>
    <message numerus="yes">
        <source>%n attempt(s) shown</source>
        <translation>
            <numerusform>%n attempt shown</numerusform>
            <numerusform>%n attempts shown</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n in all</source>
        <translation>
            <numerusform>%n in all</numerusform>
            <numerusform>%n in all</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n sync attempt(s) written to {path}</source>
        <translation>
            <numerusform>%n sync attempt written to {path}</numerusform>
            <numerusform>%n sync attempts written to {path}</numerusform>
        </translation>
    </message>
</context>
</TS>
