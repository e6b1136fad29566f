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
</TS>
