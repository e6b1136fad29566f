<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="km">
<context>
    <name>AppStatusBar</name>
    <message>
        <source>Disk almost full: {mb} MB free</source>
        <translation>ថាសជិតពេញហើយ៖ នៅសល់ទំនេរ {mb} MB</translation>
    </message>
    <message>
        <source>Disk: {mb} MB free</source>
        <translation>ថាស៖ ទំនេរ {mb} MB</translation>
    </message>
</context>
<context>
    <name>Choices</name>
    <message>
        <source>Khmer national ID card</source>
        <translation>អត្តសញ្ញាណប័ណ្ណសញ្ជាតិខ្មែរ</translation>
    </message>
    <message>
        <source>Passport</source>
        <translation>លិខិតឆ្លងដែន</translation>
    </message>
    <message>
        <source>No ID document</source>
        <translation>គ្មានឯកសារអត្តសញ្ញាណ</translation>
    </message>
    <message>
        <source>Female</source>
        <translation>ស្រី</translation>
    </message>
    <message>
        <source>Male</source>
        <translation>ប្រុស</translation>
    </message>
    <message>
        <source>Micro-enterprise owner</source>
        <translation>ម្ចាស់មីក្រូសហគ្រាស</translation>
    </message>
    <message>
        <source>Worker of a micro-enterprise</source>
        <translation>កម្មករនិយោជិតនៃមីក្រូសហគ្រាស</translation>
    </message>
    <message>
        <source>Seasonal worker</source>
        <translation>កម្មកររដូវកាល</translation>
    </message>
    <message>
        <source>Self-employed</source>
        <translation>អ្នកប្រកបរបរដោយខ្លួនឯង</translation>
    </message>
    <message>
        <source>Social security (NSSF)</source>
        <translation>របបសន្តិសុខសង្គម (ប.ស.ស.)</translation>
    </message>
    <message>
        <source>Health insurance</source>
        <translation>ធានារ៉ាប់រងសុខភាព</translation>
    </message>
    <message>
        <source>Skills training</source>
        <translation>ការបណ្តុះបណ្តាលជំនាញ</translation>
    </message>
    <message>
        <source>Loans and banking</source>
        <translation>សេវាឥណទាន និងធនាគារ</translation>
    </message>
    <message>
        <source>Tax incentives</source>
        <translation>ការលើកទឹកចិត្តផ្នែកពន្ធ</translation>
    </message>
    <message>
        <source>Social protection</source>
        <translation>កិច្ចគាំពារសង្គម</translation>
    </message>
    <message>
        <source>Agriculture, forestry and fishing</source>
        <translation>កសិកម្ម រុក្ខាប្រមាញ់ និងនេសាទ</translation>
    </message>
    <message>
        <source>Mining and quarrying</source>
        <translation>ការជីករ៉ែ និងយកថ្ម</translation>
    </message>
    <message>
        <source>Manufacturing</source>
        <translation>ផលិតកម្ម និងកែច្នៃ</translation>
    </message>
    <message>
        <source>Electricity and gas supply</source>
        <translation>ការផ្គត់ផ្គង់អគ្គិសនី និងឧស្ម័ន</translation>
    </message>
    <message>
        <source>Water supply and waste management</source>
        <translation>ការផ្គត់ផ្គង់ទឹក និងការគ្រប់គ្រងសំណល់</translation>
    </message>
    <message>
        <source>Construction</source>
        <translation>សំណង់</translation>
    </message>
    <message>
        <source>Wholesale and retail trade, vehicle repair</source>
        <translation>ការលក់ដុំ លក់រាយ និងជួសជុលយានយន្ត</translation>
    </message>
    <message>
        <source>Transport and storage</source>
        <translation>ការដឹកជញ្ជូន និងឃ្លាំងស្តុកទំនិញ</translation>
    </message>
    <message>
        <source>Accommodation and food service</source>
        <translation>សេវាស្នាក់នៅ និងម្ហូបអាហារ</translation>
    </message>
    <message>
        <source>Information and communication</source>
        <translation>ព័ត៌មាន និងទំនាក់ទំនង</translation>
    </message>
    <message>
        <source>Finance and insurance</source>
        <translation>ហិរញ្ញវត្ថុ និងធានារ៉ាប់រង</translation>
    </message>
    <message>
        <source>Real estate</source>
        <translation>អចលនទ្រព្យ</translation>
    </message>
    <message>
        <source>Professional and technical services</source>
        <translation>សេវាវិជ្ជាជីវៈ និងបច្ចេកទេស</translation>
    </message>
    <message>
        <source>Administrative and support services</source>
        <translation>សេវារដ្ឋបាល និងសេវាគាំទ្រ</translation>
    </message>
    <message>
        <source>Public administration and defence</source>
        <translation>រដ្ឋបាលសាធារណៈ និងការពារជាតិ</translation>
    </message>
    <message>
        <source>Education</source>
        <translation>ការអប់រំ</translation>
    </message>
    <message>
        <source>Health and social work</source>
        <translation>សុខាភិបាល និងសង្គមកិច្ច</translation>
    </message>
    <message>
        <source>Arts, entertainment and recreation</source>
        <translation>សិល្បៈ ការកម្សាន្ត និងលំហែកាយ</translation>
    </message>
    <message>
        <source>Other services</source>
        <translation>សេវាផ្សេងៗ</translation>
    </message>
    <message>
        <source>Household work</source>
        <translation>ការងារបម្រើក្នុងគ្រួសារ</translation>
    </message>
    <message>
        <source>International organisations</source>
        <translation>អង្គការអន្តរជាតិ</translation>
    </message>
    <message>
        <source>Draft</source>
        <translation>សេចក្តីព្រាង</translation>
    </message>
    <message>
        <source>Waiting to sync</source>
        <translation>រង់ចាំបញ្ជូន</translation>
    </message>
    <message>
        <source>Synced</source>
        <translation>បានបញ្ជូនរួច</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>ត្រូវបានបដិសេធ</translation>
    </message>
    <message>
        <source>Registrar</source>
        <translation>មន្ត្រីចុះឈ្មោះ</translation>
    </message>
    <message>
        <source>Coordinator</source>
        <translation>អ្នកសម្របសម្រួល</translation>
    </message>
    <message>
        <source>Internet (HTTPS)</source>
        <translation>អ៊ីនធឺណិត (HTTPS)</translation>
    </message>
    <message>
        <source>Internet (HTTP, not encrypted)</source>
        <translation>អ៊ីនធឺណិត (HTTP មិនបានអ៊ិនគ្រីប)</translation>
    </message>
    <message>
        <source>CamDX (X-Road), HTTPS to the security server</source>
        <translation>CamDX (X-Road), HTTPS ទៅម៉ាស៊ីនមេសុវត្ថិភាព</translation>
    </message>
    <message>
        <source>CamDX (X-Road), HTTP to the security server (not encrypted)</source>
        <translation>CamDX (X-Road), HTTP ទៅម៉ាស៊ីនមេសុវត្ថិភាព (មិនបានអ៊ិនគ្រីប)</translation>
    </message>
    <message>
        <source>CamDX (X-Road)</source>
        <translation>CamDX (X-Road)</translation>
    </message>
    <message>
        <source>USB: batches written</source>
        <translation>USB៖ បាននាំចេញកញ្ចប់ទិន្នន័យ</translation>
    </message>
    <message>
        <source>USB: receipts read</source>
        <translation>USB៖ បាននាំចូលបង្កាន់ដៃទទួល</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>ជោគជ័យ</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>បរាជ័យ</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>បានចុះឈ្មោះ</translation>
    </message>
    <message>
        <source>Corrected</source>
        <translation>បានកែតម្រូវ</translation>
    </message>
</context>
<context>
    <name>CorrectionDialog</name>
    <message>
        <source>Correct a registration</source>
        <translation>កែតម្រូវការចុះឈ្មោះ</translation>
    </message>
    <message>
        <source>Reason for the correction</source>
        <translation>មូលហេតុនៃការកែតម្រូវ</translation>
    </message>
    <message>
        <source>Save correction</source>
        <translation>រក្សាទុកការកែតម្រូវ</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>បោះបង់</translation>
    </message>
</context>
<context>
    <name>DuplicateDialog</name>
    <message>
        <source>Possible duplicate</source>
        <translation>អាចនឹងស្ទួន</translation>
    </message>
    <message>
        <source>This person may already be registered</source>
        <translation>បុគ្គលនេះប្រហែលជាបានចុះឈ្មោះរួចហើយ</translation>
    </message>
    <message>
        <source>the same ID number</source>
        <translation>លេខអត្តសញ្ញាណដូចគ្នា</translation>
    </message>
    <message>
        <source>the same phone</source>
        <translation>លេខទូរស័ព្ទដូចគ្នា</translation>
    </message>
    <message>
        <source>A registration on this device has {what}. Please check it with the person.</source>
        <translation>មានការចុះឈ្មោះមួយនៅលើឧបករណ៍នេះ ដែលមាន{what}។ សូមពិនិត្យផ្ទៀងផ្ទាត់ជាមួយសាមីខ្លួន។</translation>
    </message>
    <message>
        <source> and </source>
        <translation> និង</translation>
    </message>
    <message numerus="yes">
        <source>%n more matching registration(s).</source>
        <translation>
            <numerusform>មានការចុះឈ្មោះស្រដៀងគ្នា %n ទៀត។</numerusform>
            <numerusform>មានការចុះឈ្មោះស្រដៀងគ្នា %n ទៀត។</numerusform>
        </translation>
    </message>
    <message>
        <source>Reason to register anyway</source>
        <translation>មូលហេតុដែលនៅតែចុះឈ្មោះ</translation>
    </message>
    <message>
        <source>e.g. shared family phone</source>
        <translation>ឧ. ប្រើទូរស័ព្ទរួមគ្នាក្នុងគ្រួសារ</translation>
    </message>
    <message>
        <source>Open existing</source>
        <translation>បើកការចុះឈ្មោះដែលមានស្រាប់</translation>
    </message>
    <message>
        <source>Register anyway</source>
        <translation>នៅតែចុះឈ្មោះ</translation>
    </message>
    <message>
        <source>Back to the form</source>
        <translation>ត្រឡប់ទៅទម្រង់វិញ</translation>
    </message>
</context>
<context>
    <name>EventChoiceScreen</name>
    <message>
        <source>Please fill in every field.</source>
        <translation>សូមបំពេញគ្រប់ប្រអប់។</translation>
    </message>
    <message>
        <source>Date: {date}</source>
        <translation>កាលបរិច្ឆេទ៖ {date}</translation>
    </message>
    <message>
        <source>Where are you registering today?</source>
        <translation>ថ្ងៃនេះ លោកអ្នកចុះឈ្មោះនៅទីណា?</translation>
    </message>
    <message>
        <source>Every registration you make today will carry this.</source>
        <translation>ការចុះឈ្មោះទាំងអស់ដែលលោកអ្នកធ្វើនៅថ្ងៃនេះ នឹងកត់ត្រាព័ត៌មាននេះ។</translation>
    </message>
    <message>
        <source>Outreach event</source>
        <translation>យុទ្ធនាការចុះមូលដ្ឋាន</translation>
    </message>
    <message>
        <source>Bank branch</source>
        <translation>សាខាធនាគារ</translation>
    </message>
    <message>
        <source>Event name</source>
        <translation>ឈ្មោះយុទ្ធនាការ</translation>
    </message>
    <message>
        <source>e.g. Takeo outreach week</source>
        <translation>ឧ. សប្តាហ៍ចុះមូលដ្ឋាននៅខេត្តតាកែវ</translation>
    </message>
    <message>
        <source>Commune or sangkat of the event</source>
        <translation>ឃុំ ឬសង្កាត់ដែលរៀបចំយុទ្ធនាការ</translation>
    </message>
    <message>
        <source>Type in Khmer or Latin</source>
        <translation>វាយជាអក្សរខ្មែរ ឬឡាតាំង</translation>
    </message>
    <message>
        <source>Bank</source>
        <translation>ធនាគារ</translation>
    </message>
    <message>
        <source>Branch</source>
        <translation>សាខា</translation>
    </message>
    <message>
        <source>Start registering</source>
        <translation>ចាប់ផ្តើមចុះឈ្មោះ</translation>
    </message>
</context>
<context>
    <name>FieldErrors</name>
    <message>
        <source>Required</source>
        <translation>ត្រូវតែបំពេញ</translation>
    </message>
    <message>
        <source>Not a valid value</source>
        <translation>តម្លៃមិនត្រឹមត្រូវ</translation>
    </message>
    <message>
        <source>Too long</source>
        <translation>វែងពេក</translation>
    </message>
    <message>
        <source>Contains characters not allowed</source>
        <translation>មានតួអក្សរដែលមិនអនុញ្ញាត</translation>
    </message>
    <message>
        <source>Choose one of the options</source>
        <translation>សូមជ្រើសរើសមួយក្នុងចំណោមជម្រើស</translation>
    </message>
    <message>
        <source>Write this name in Khmer script</source>
        <translation>សូមសរសេរឈ្មោះនេះជាអក្សរខ្មែរ</translation>
    </message>
    <message>
        <source>Write this name in Latin letters</source>
        <translation>សូមសរសេរឈ្មោះនេះជាអក្សរឡាតាំង</translation>
    </message>
    <message>
        <source>Write the date as DD/MM/YYYY</source>
        <translation>សូមសរសេរកាលបរិច្ឆេទជា ថ្ងៃ/ខែ/ឆ្នាំ</translation>
    </message>
    <message>
        <source>This date is in the future</source>
        <translation>កាលបរិច្ឆេទនេះនៅថ្ងៃអនាគត</translation>
    </message>
    <message>
        <source>The person must be 15 or older</source>
        <translation>សាមីខ្លួនត្រូវមានអាយុចាប់ពី ១៥ ឆ្នាំឡើងទៅ</translation>
    </message>
    <message>
        <source>Not a Cambodian phone number</source>
        <translation>មិនមែនជាលេខទូរស័ព្ទកម្ពុជាទេ</translation>
    </message>
    <message>
        <source>The format is not right</source>
        <translation>ទម្រង់មិនត្រឹមត្រូវ</translation>
    </message>
    <message>
        <source>A national ID number has 9 digits</source>
        <translation>លេខអត្តសញ្ញាណប័ណ្ណមាន ៩ ខ្ទង់</translation>
    </message>
    <message>
        <source>A passport number has 6 to 9 letters or digits</source>
        <translation>លេខលិខិតឆ្លងដែនមានពី ៦ ទៅ ៩ តួ (អក្សរ ឬលេខ)</translation>
    </message>
    <message>
        <source>Choose the village from the list</source>
        <translation>សូមជ្រើសរើសភូមិពីបញ្ជី</translation>
    </message>
    <message>
        <source>Registration needs the person&apos;s consent</source>
        <translation>ការចុះឈ្មោះត្រូវការការយល់ព្រមពីសាមីខ្លួន</translation>
    </message>
    <message>
        <source>The number is out of range</source>
        <translation>ចំនួននេះហួសកម្រិត</translation>
    </message>
    <message>
        <source>Leave empty when there is no ID</source>
        <translation>សូមទុកទទេ ពេលគ្មានឯកសារអត្តសញ្ញាណ</translation>
    </message>
    <message>
        <source>Write a whole number</source>
        <translation>សូមសរសេរជាចំនួនគត់</translation>
    </message>
    <message>
        <source>This is not a field of the registration form</source>
        <translation>នេះមិនមែនជាប្រអប់មួយនៃទម្រង់ចុះឈ្មោះទេ</translation>
    </message>
    <message>
        <source>This is not a registration record</source>
        <translation>នេះមិនមែនជាកំណត់ត្រាចុះឈ្មោះទេ</translation>
    </message>
    <message>
        <source>Write a web address that starts with https:// or http://</source>
        <translation>សូមសរសេរអាសយដ្ឋានគេហទំព័រ ដែលចាប់ផ្តើមដោយ https:// ឬ http://</translation>
    </message>
    <message>
        <source>Write it as INSTANCE/CLASS/MEMBER/SUBSYSTEM</source>
        <translation>សូមសរសេរតាមទម្រង់ INSTANCE/CLASS/MEMBER/SUBSYSTEM</translation>
    </message>
    <message>
        <source>Write it as /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE</source>
        <translation>សូមសរសេរតាមទម្រង់ /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE</translation>
    </message>
    <message>
        <source>0 to adapt to the link, or from 10 to 1000</source>
        <translation>០ ដើម្បីសម្របតាមបណ្តាញ ឬពី ១០ ដល់ ១០០០</translation>
    </message>
    <message>
        <source>Choose a folder that exists</source>
        <translation>សូមជ្រើសរើសថតដែលមានពិតប្រាកដ</translation>
    </message>
</context>
<context>
    <name>FileErrors</name>
    <message>
        <source>The disk is full.</source>
        <translation>ថាសពេញហើយ។</translation>
    </message>
    <message>
        <source>There is no permission to write there.</source>
        <translation>គ្មានសិទ្ធិសរសេរនៅទីនោះទេ។</translation>
    </message>
    <message>
        <source>The disk is read-only (is the USB stick write-protected?).</source>
        <translation>ថាសនេះអាចតែអានប៉ុណ្ណោះ (តើ USB ត្រូវបានការពារមិនឱ្យសរសេរឬ?)។</translation>
    </message>
    <message>
        <source>The folder is not there any more (was the USB stick removed?).</source>
        <translation>ថតនោះលែងមានទៀតហើយ (តើ USB ត្រូវបានដកចេញឬ?)។</translation>
    </message>
    <message>
        <source>The disk could not be read or written (was the USB stick removed?).</source>
        <translation>មិនអាចអាន ឬសរសេរថាសបានទេ (តើ USB ត្រូវបានដកចេញឬ?)។</translation>
    </message>
    <message>
        <source>The file could not be written or read.</source>
        <translation>មិនអាចសរសេរ ឬអានឯកសារបានទេ។</translation>
    </message>
    <message>
        <source>A file with that name already exists: {path}</source>
        <translation>មានឯកសារឈ្មោះនេះរួចហើយ៖ {path}</translation>
    </message>
    <message>
        <source>{path} is a link to another place. FieldReg does not write through links.</source>
        <translation>{path} ជាតំណភ្ជាប់ទៅកន្លែងផ្សេង។ FieldReg មិនសរសេរតាមរយៈតំណភ្ជាប់ទេ។</translation>
    </message>
    <message>
        <source>The file could not be written: {path}</source>
        <translation>មិនអាចសរសេរឯកសារបានទេ៖ {path}</translation>
    </message>
</context>
<context>
    <name>FirstRunFlow</name>
    <message>
        <source>Welcome to FieldReg</source>
        <translation>សូមស្វាគមន៍មកកាន់ FieldReg</translation>
    </message>
    <message>
        <source>Create the first coordinator</source>
        <translation>បង្កើតអ្នកសម្របសម្រួលដំបូង</translation>
    </message>
    <message>
        <source>The coordinator manages this laptop: adds registrars, resets passphrases and sees every registration made here.</source>
        <translation>អ្នកសម្របសម្រួលគ្រប់គ្រងកុំព្យូទ័រនេះ៖ បន្ថែមមន្ត្រីចុះឈ្មោះ កំណត់ពាក្យសម្ងាត់ថ្មី និងមើលឃើញការចុះឈ្មោះទាំងអស់ដែលធ្វើនៅទីនេះ។</translation>
    </message>
    <message>
        <source>Coordinator name</source>
        <translation>ឈ្មោះអ្នកសម្របសម្រួល</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>ពាក្យសម្ងាត់</translation>
    </message>
    <message>
        <source>Passphrase again</source>
        <translation>វាយពាក្យសម្ងាត់ម្តងទៀត</translation>
    </message>
    <message>
        <source>At least {n} characters. A short sentence is easy to remember and hard to guess. Nobody can recover it for you: keep the recovery key shown next.</source>
        <translation>យ៉ាងតិច {n} តួអក្សរ។ ឃ្លាខ្លីមួយងាយចាំ ហើយពិបាកទាយ។ គ្មាននរណាអាចរកវាមកវិញជូនលោកអ្នកបានទេ៖ សូមរក្សាទុកសោស្តារដែលនឹងបង្ហាញនៅជំហានបន្ទាប់។</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>បង្កើត</translation>
    </message>
    <message>
        <source>Connect to the hub</source>
        <translation>ភ្ជាប់ទៅម៉ាស៊ីនមេ</translation>
    </message>
    <message>
        <source>Registrations go to the national platform through the hub. Paste or scan the enrolment code from your coordinator, or skip and work offline: you can enrol later in Settings.</source>
        <translation>ការចុះឈ្មោះនឹងត្រូវបញ្ជូនទៅប្រព័ន្ធជាតិ តាមរយៈម៉ាស៊ីនមេ។ សូមបិទភ្ជាប់ ឬស្កេនកូដចុះបញ្ជីដែលទទួលបានពីអ្នកសម្របសម្រួល ឬរំលងហើយធ្វើការក្រៅបណ្តាញ៖ លោកអ្នកអាចចុះបញ្ជីនៅពេលក្រោយក្នុង «ការកំណត់»។</translation>
    </message>
    <message>
        <source>Enrolment code</source>
        <translation>កូដចុះបញ្ជី</translation>
    </message>
    <message>
        <source>Enrol</source>
        <translation>ចុះបញ្ជី</translation>
    </message>
    <message>
        <source>Skip, work offline</source>
        <translation>រំលង ហើយធ្វើការក្រៅបណ្តាញ</translation>
    </message>
</context>
<context>
    <name>InputErrors</name>
    <message>
        <source>The file is not readable text. Save it as UTF-8 and try again.</source>
        <translation>ឯកសារនេះមិនមែនជាអត្ថបទដែលអាចអានបានទេ។ សូមរក្សាទុកវាជា UTF-8 ហើយព្យាយាមម្តងទៀត។</translation>
    </message>
    <message>
        <source>The file is not valid JSON.</source>
        <translation>ឯកសារនេះមិនមែនជា JSON ត្រឹមត្រូវទេ។</translation>
    </message>
    <message>
        <source>A registration in the file is too large.</source>
        <translation>ការចុះឈ្មោះមួយនៅក្នុងឯកសារនេះធំពេក។</translation>
    </message>
    <message>
        <source>The file holds no registrations.</source>
        <translation>ឯកសារនេះគ្មានការចុះឈ្មោះទេ។</translation>
    </message>
    <message>
        <source>The file is too large.</source>
        <translation>ឯកសារនេះធំពេក។</translation>
    </message>
</context>
<context>
    <name>LoginScreen</name>
    <message numerus="yes">
        <source>You can try again in %n second(s).</source>
        <translation>
            <numerusform>លោកអ្នកអាចព្យាយាមម្តងទៀតក្នុងរយៈពេល %n វិនាទីទៀត។</numerusform>
            <numerusform>លោកអ្នកអាចព្យាយាមម្តងទៀតក្នុងរយៈពេល %n វិនាទីទៀត។</numerusform>
        </translation>
    </message>
    <message>
        <source>locked</source>
        <translation>ជាប់សោ</translation>
    </message>
    <message>
        <source>FieldReg</source>
        <translation>FieldReg</translation>
    </message>
    <message>
        <source>Log in to register</source>
        <translation>ចូលប្រើដើម្បីចុះឈ្មោះ</translation>
    </message>
    <message>
        <source>User</source>
        <translation>អ្នកប្រើប្រាស់</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>ពាក្យសម្ងាត់</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>ចូលប្រើ</translation>
    </message>
    <message>
        <source>Forgot the coordinator passphrase? Use the recovery key</source>
        <translation>ភ្លេចពាក្យសម្ងាត់អ្នកសម្របសម្រួល? ប្រើសោស្តារ</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>{name} · {event}</source>
        <translation>{name} · {event}</translation>
    </message>
    <message>
        <source>FieldReg</source>
        <translation>FieldReg</translation>
    </message>
    <message>
        <source>Register</source>
        <translation>ចុះឈ្មោះ</translation>
    </message>
    <message>
        <source>Registrations</source>
        <translation>បញ្ជីចុះឈ្មោះ</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>អ្នកប្រើប្រាស់</translation>
    </message>
    <message>
        <source>Sync log</source>
        <translation>កំណត់ហេតុបញ្ជូន</translation>
    </message>
    <message>
        <source>USB transfer</source>
        <translation>ផ្ទេរតាម USB</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>ការកំណត់</translation>
    </message>
    <message>
        <source>Lock (Ctrl+L)</source>
        <translation>ចាក់សោ (Ctrl+L)</translation>
    </message>
    <message>
        <source>Repair the store…</source>
        <translation>ជួសជុលឃ្លាំងទិន្នន័យ…</translation>
    </message>
</context>
<context>
    <name>MediaScreen</name>
    <message>
        <source>Every registration has the hub&apos;s receipt.</source>
        <translation>ការចុះឈ្មោះទាំងអស់មានបង្កាន់ដៃទទួលពីម៉ាស៊ីនមេរួចហើយ។</translation>
    </message>
    <message numerus="yes">
        <source>%n registration(s) wait for the hub&apos;s receipt.</source>
        <translation>
            <numerusform>ការចុះឈ្មោះ %n កំពុងរង់ចាំបង្កាន់ដៃទទួលពីម៉ាស៊ីនមេ។</numerusform>
            <numerusform>ការចុះឈ្មោះ %n កំពុងរង់ចាំបង្កាន់ដៃទទួលពីម៉ាស៊ីនមេ។</numerusform>
        </translation>
    </message>
    <message>
        <source>Writing batch files to {folder}... {seconds} s</source>
        <translation>កំពុងសរសេរឯកសារកញ្ចប់ទិន្នន័យទៅ {folder}... {seconds} វិនាទី</translation>
    </message>
    <message>
        <source>Reading receipt files from {folder}... {seconds} s</source>
        <translation>កំពុងអានឯកសារបង្កាន់ដៃទទួលពី {folder}... {seconds} វិនាទី</translation>
    </message>
    <message>
        <source>Choose the folder on the USB stick</source>
        <translation>ជ្រើសរើសថតនៅលើ USB</translation>
    </message>
    <message>
        <source>Nothing to export: every registration has a receipt.</source>
        <translation>គ្មានអ្វីត្រូវនាំចេញទេ៖ ការចុះឈ្មោះទាំងអស់មានបង្កាន់ដៃទទួលរួចហើយ។</translation>
    </message>
    <message numerus="yes">
        <source>%n batch file(s) written to {folder}.</source>
        <translation>
            <numerusform>បានសរសេរឯកសារកញ្ចប់ទិន្នន័យ %n ទៅ {folder}។</numerusform>
            <numerusform>បានសរសេរឯកសារកញ្ចប់ទិន្នន័យ %n ទៅ {folder}។</numerusform>
        </translation>
    </message>
    <message>
        <source>Take the USB stick to the hub computer.</source>
        <translation>សូមយក USB ទៅកុំព្យូទ័រម៉ាស៊ីនមេ។</translation>
    </message>
    <message>
        <source>Nothing was changed: {reason}</source>
        <translation>គ្មានអ្វីត្រូវបានផ្លាស់ប្តូរទេ៖ {reason}</translation>
    </message>
    <message>
        <source>No receipts for this laptop in that folder. Has the hub imported the batch files yet?</source>
        <translation>គ្មានបង្កាន់ដៃទទួលសម្រាប់កុំព្យូទ័រនេះនៅក្នុងថតនោះទេ។ តើម៉ាស៊ីនមេបាននាំចូលឯកសារកញ្ចប់ទិន្នន័យហើយឬនៅ?</translation>
    </message>
    <message numerus="yes">
        <source>%n receipt(s) applied:</source>
        <translation>
            <numerusform>បានកត់ត្រាបង្កាន់ដៃទទួល %n៖</numerusform>
            <numerusform>បានកត់ត្រាបង្កាន់ដៃទទួល %n៖</numerusform>
        </translation>
    </message>
    <message>
        <source>{accepted} accepted, {duplicate} already received, {rejected} rejected.</source>
        <translation>ទទួលយក {accepted}, បានទទួលរួចហើយ {duplicate}, បដិសេធ {rejected}។</translation>
    </message>
    <message>
        <source>Rejected registrations show the reason under Registrations; correct them there.</source>
        <translation>ការចុះឈ្មោះដែលត្រូវបានបដិសេធ បង្ហាញមូលហេតុនៅក្នុង «បញ្ជីចុះឈ្មោះ»៖ សូមកែតម្រូវនៅទីនោះ។</translation>
    </message>
    <message>
        <source>{file}: {reason}</source>
        <translation>{file}៖ {reason}</translation>
    </message>
    <message numerus="yes">
        <source>%n receipt file(s) are for other laptops and were left alone.</source>
        <translation>
            <numerusform>ឯកសារបង្កាន់ដៃទទួល %n ជារបស់កុំព្យូទ័រផ្សេង ហើយមិនត្រូវបានប៉ះពាល់ទេ។</numerusform>
            <numerusform>ឯកសារបង្កាន់ដៃទទួល %n ជារបស់កុំព្យូទ័រផ្សេង ហើយមិនត្រូវបានប៉ះពាល់ទេ។</numerusform>
        </translation>
    </message>
    <message>
        <source>USB transfer</source>
        <translation>ផ្ទេរតាម USB</translation>
    </message>
    <message>
        <source>No internet for a while? Registrations can travel to the hub on a USB stick. They stay sealed and signed: only the hub can open them.</source>
        <translation>គ្មានអ៊ីនធឺណិតមួយរយៈ? ការចុះឈ្មោះអាចយកទៅម៉ាស៊ីនមេតាម USB។ ទិន្នន័យនៅតែត្រូវបានអ៊ិនគ្រីប និងចុះហត្ថលេខា៖ មានតែម៉ាស៊ីនមេទេដែលអាចបើកវាបាន។</translation>
    </message>
    <message>
        <source>Folder on the USB stick</source>
        <translation>ថតនៅលើ USB</translation>
    </message>
    <message>
        <source>Choose folder...</source>
        <translation>ជ្រើសរើសថត...</translation>
    </message>
    <message>
        <source>1. Export batches</source>
        <translation>១. នាំចេញកញ្ចប់ទិន្នន័យ</translation>
    </message>
    <message>
        <source>Writes every registration still waiting for the hub into batch files in the folder. Exporting again is safe: nothing is counted twice.</source>
        <translation>សរសេរការចុះឈ្មោះទាំងអស់ដែលកំពុងរង់ចាំម៉ាស៊ីនមេ ទៅជាឯកសារកញ្ចប់ទិន្នន័យក្នុងថតនោះ។ ការនាំចេញម្តងទៀតគ្មានបញ្ហាទេ៖ គ្មានអ្វីត្រូវរាប់ពីរដងឡើយ។</translation>
    </message>
    <message>
        <source>Export batches</source>
        <translation>នាំចេញកញ្ចប់ទិន្នន័យ</translation>
    </message>
    <message>
        <source>2. At the hub</source>
        <translation>២. នៅម៉ាស៊ីនមេ</translation>
    </message>
    <message>
        <source>On the hub computer run: fieldreg-hub import FOLDER. It writes a receipt file beside each batch file.</source>
        <translation>នៅលើកុំព្យូទ័រម៉ាស៊ីនមេ សូមដំណើរការ៖ fieldreg-hub import FOLDER។ វានឹងសរសេរឯកសារបង្កាន់ដៃទទួលមួយ នៅក្បែរឯកសារកញ្ចប់ទិន្នន័យនីមួយៗ។</translation>
    </message>
    <message>
        <source>3. Import receipts</source>
        <translation>៣. នាំចូលបង្កាន់ដៃទទួល</translation>
    </message>
    <message>
        <source>Back here, reads the receipts from the same folder: the registrations they confirm are marked as synced.</source>
        <translation>ពេលត្រឡប់មកវិញ អានបង្កាន់ដៃទទួលពីថតដដែល៖ ការចុះឈ្មោះដែលបានបញ្ជាក់ នឹងត្រូវសម្គាល់ថា «បានបញ្ជូនរួច»។</translation>
    </message>
    <message>
        <source>Import receipts</source>
        <translation>នាំចូលបង្កាន់ដៃទទួល</translation>
    </message>
</context>
<context>
    <name>OperatorsScreen</name>
    <message>
        <source>Disabled</source>
        <translation>បានបិទ</translation>
    </message>
    <message>
        <source>Locked out</source>
        <translation>ត្រូវបានចាក់សោ</translation>
    </message>
    <message numerus="yes">
        <source>%n wrong passphrase(s)</source>
        <translation>
            <numerusform>វាយពាក្យសម្ងាត់ខុស %n ដង</numerusform>
            <numerusform>វាយពាក្យសម្ងាត់ខុស %n ដង</numerusform>
        </translation>
    </message>
    <message>
        <source>Active</source>
        <translation>កំពុងប្រើ</translation>
    </message>
    <message>
        <source>(you)</source>
        <translation>(លោកអ្នក)</translation>
    </message>
    <message>
        <source>Enable user</source>
        <translation>បើកគណនីវិញ</translation>
    </message>
    <message>
        <source>Disable user</source>
        <translation>បិទគណនី</translation>
    </message>
    <message>
        <source>You cannot disable yourself.</source>
        <translation>លោកអ្នកមិនអាចបិទគណនីរបស់ខ្លួនឯងបានទេ។</translation>
    </message>
    <message>
        <source>{name} is disabled and cannot log in. Their registrations stay.</source>
        <translation>គណនី {name} ត្រូវបានបិទ ហើយមិនអាចចូលប្រើបានទេ។ ការចុះឈ្មោះរបស់គាត់នៅដដែល។</translation>
    </message>
    <message>
        <source>{name} can log in again.</source>
        <translation>{name} អាចចូលប្រើបានវិញហើយ។</translation>
    </message>
    <message>
        <source>For: {name}</source>
        <translation>សម្រាប់៖ {name}</translation>
    </message>
    <message>
        <source>Choose a user</source>
        <translation>សូមជ្រើសរើសអ្នកប្រើប្រាស់</translation>
    </message>
    <message>
        <source>{name} can now log in.</source>
        <translation>{name} អាចចូលប្រើបានហើយ។</translation>
    </message>
    <message>
        <source>New passphrase set for {name}.</source>
        <translation>បានកំណត់ពាក្យសម្ងាត់ថ្មីសម្រាប់ {name}។</translation>
    </message>
    <message>
        <source>These users have no key for the new data key yet and need a new passphrase: {names}</source>
        <translation>អ្នកប្រើទាំងនេះមិនទាន់មានសោសម្រាប់សោទិន្នន័យថ្មីនៅឡើយទេ ហើយត្រូវការពាក្យសម្ងាត់ថ្មី៖ {names}</translation>
    </message>
    <message>
        <source>The old recovery key no longer opens this laptop. Write down the new one now, keep it away from the laptop and destroy the old one:</source>
        <translation>សោស្តារចាស់មិនអាចបើកកុំព្យូទ័រនេះបានទៀតទេ។ សូមសរសេរសោថ្មីទុកឥឡូវនេះ រក្សាវាឱ្យឆ្ងាយពីកុំព្យូទ័រ ហើយបំផ្លាញសោចាស់ចោល៖</translation>
    </message>
    <message>
        <source>All records are protected by the new key.</source>
        <translation>កំណត់ត្រាទាំងអស់ត្រូវបានការពារដោយសោថ្មីហើយ។</translation>
    </message>
    <message>
        <source>Records are being re-protected ({done} of {total}).</source>
        <translation>កំពុងការពារកំណត់ត្រាឡើងវិញ ({done} ក្នុងចំណោម {total})។</translation>
    </message>
    <message>
        <source>Users of this laptop</source>
        <translation>អ្នកប្រើប្រាស់កុំព្យូទ័រនេះ</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>ឈ្មោះ</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>តួនាទី</translation>
    </message>
    <message>
        <source>State</source>
        <translation>ស្ថានភាព</translation>
    </message>
    <message>
        <source>Add a user</source>
        <translation>បន្ថែមអ្នកប្រើប្រាស់</translation>
    </message>
    <message>
        <source>Passphrase</source>
        <translation>ពាក្យសម្ងាត់</translation>
    </message>
    <message>
        <source>Again</source>
        <translation>វាយម្តងទៀត</translation>
    </message>
    <message>
        <source>Add user</source>
        <translation>បន្ថែម</translation>
    </message>
    <message>
        <source>Set a new passphrase</source>
        <translation>កំណត់ពាក្យសម្ងាត់ថ្មី</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>ពាក្យសម្ងាត់ថ្មី</translation>
    </message>
    <message>
        <source>Set passphrase</source>
        <translation>កំណត់ពាក្យសម្ងាត់</translation>
    </message>
</context>
<context>
    <name>ReceiptDialog</name>
    <message>
        <source>Save receipt</source>
        <translation>រក្សាទុកបង្កាន់ដៃ</translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation>បង្កាន់ដៃ</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>បានចុះឈ្មោះ</translation>
    </message>
    <message>
        <source>{name} · registration {id}</source>
        <translation>{name} · លេខចុះឈ្មោះ {id}</translation>
    </message>
    <message>
        <source>Print</source>
        <translation>បោះពុម្ព</translation>
    </message>
    <message>
        <source>Save PDF</source>
        <translation>រក្សាទុកជា PDF</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>បិទ</translation>
    </message>
</context>
<context>
    <name>ReceiptErrors</name>
    <message>
        <source>This code is not a FieldReg receipt.</source>
        <translation>កូដនេះមិនមែនជាបង្កាន់ដៃ FieldReg ទេ។</translation>
    </message>
    <message>
        <source>The receipt code is cut short. Scan it again.</source>
        <translation>កូដបង្កាន់ដៃនេះមិនពេញលេញទេ។ សូមស្កេនម្តងទៀត។</translation>
    </message>
    <message>
        <source>The receipt code holds more than a receipt. Scan it again.</source>
        <translation>កូដបង្កាន់ដៃនេះមានទិន្នន័យលើសពីបង្កាន់ដៃមួយ។ សូមស្កេនម្តងទៀត។</translation>
    </message>
    <message>
        <source>This receipt was made by a newer FieldReg. Install the newer version.</source>
        <translation>បង្កាន់ដៃនេះត្រូវបានបង្កើតដោយ FieldReg កំណែថ្មីជាង។ សូមដំឡើងកំណែថ្មីនោះ។</translation>
    </message>
    <message>
        <source>The receipt code is damaged.</source>
        <translation>កូដបង្កាន់ដៃនេះខូច។</translation>
    </message>
    <message>
        <source>Khmer text cannot be drawn on the receipt on this computer: a text library is missing.</source>
        <translation>កុំព្យូទ័រនេះមិនអាចសរសេរអក្សរខ្មែរលើបង្កាន់ដៃបានទេ៖ ខ្វះកម្មវិធីជំនួយសម្រាប់អក្សរ។</translation>
    </message>
    <message>
        <source>The receipt cannot be drawn: no Latin font was found.</source>
        <translation>មិនអាចបង្កើតបង្កាន់ដៃបានទេ៖ រកមិនឃើញពុម្ពអក្សរឡាតាំង។</translation>
    </message>
    <message>
        <source>The receipt cannot be drawn: the Khmer font is missing.</source>
        <translation>មិនអាចបង្កើតបង្កាន់ដៃបានទេ៖ ខ្វះពុម្ពអក្សរខ្មែរ។</translation>
    </message>
</context>
<context>
    <name>RecordDetailDialog</name>
    <message>
        <source>Version {n}, {when}, {operator}: {change}</source>
        <translation>កំណែទី {n}, {when}, {operator}៖ {change}</translation>
    </message>
    <message>
        <source>Registration</source>
        <translation>ការចុះឈ្មោះ</translation>
    </message>
    <message>
        <source>History</source>
        <translation>ប្រវត្តិ</translation>
    </message>
    <message>
        <source>Correct...</source>
        <translation>កែតម្រូវ...</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>បិទ</translation>
    </message>
</context>
<context>
    <name>RecordSummary</name>
    <message>
        <source>{when} by {operator}</source>
        <translation>{when} ដោយ {operator}</translation>
    </message>
    <message>
        <source>Name in Khmer</source>
        <translation>ឈ្មោះជាអក្សរខ្មែរ</translation>
    </message>
    <message>
        <source>Name in Latin letters</source>
        <translation>ឈ្មោះជាអក្សរឡាតាំង</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>ភេទ</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>ថ្ងៃខែឆ្នាំកំណើត</translation>
    </message>
    <message>
        <source>ID document</source>
        <translation>ឯកសារអត្តសញ្ញាណ</translation>
    </message>
    <message>
        <source>Phone number</source>
        <translation>លេខទូរស័ព្ទ</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>អាសយដ្ឋាន</translation>
    </message>
    <message>
        <source>Target group</source>
        <translation>ក្រុមគោលដៅ</translation>
    </message>
    <message>
        <source>Business sector</source>
        <translation>វិស័យអាជីវកម្ម</translation>
    </message>
    <message>
        <source>Services of interest</source>
        <translation>សេវាដែលចាប់អារម្មណ៍</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>ចុះឈ្មោះ</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>ស្ថានភាព</translation>
    </message>
</context>
<context>
    <name>RecoverDialog</name>
    <message>
        <source>Use the recovery key</source>
        <translation>ប្រើសោស្តារ</translation>
    </message>
    <message>
        <source>Type the recovery key shown when this laptop was set up, then choose a new passphrase.</source>
        <translation>សូមវាយសោស្តារដែលបានបង្ហាញនៅពេលរៀបចំកុំព្យូទ័រនេះ រួចជ្រើសរើសពាក្យសម្ងាត់ថ្មី។</translation>
    </message>
    <message>
        <source>Recovery key</source>
        <translation>សោស្តារ</translation>
    </message>
    <message>
        <source>Coordinator name</source>
        <translation>ឈ្មោះអ្នកសម្របសម្រួល</translation>
    </message>
    <message>
        <source>New passphrase</source>
        <translation>ពាក្យសម្ងាត់ថ្មី</translation>
    </message>
    <message>
        <source>Again</source>
        <translation>វាយម្តងទៀត</translation>
    </message>
    <message>
        <source>Set passphrase and log in</source>
        <translation>កំណត់ពាក្យសម្ងាត់ ហើយចូលប្រើ</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>បោះបង់</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyPage</name>
    <message>
        <source>Recovery key</source>
        <translation>សោស្តារ</translation>
    </message>
    <message>
        <source>FieldReg recovery key</source>
        <translation>សោស្តារ FieldReg</translation>
    </message>
    <message>
        <source>Keep this page somewhere safe, away from the laptop.</source>
        <translation>សូមរក្សាទុកសន្លឹកនេះនៅកន្លែងមានសុវត្ថិភាព ដាច់ដោយឡែកពីកុំព្យូទ័រ។</translation>
    </message>
    <message>
        <source>It opens every registration on the device if a passphrase is lost.</source>
        <translation>សោនេះអាចបើកការចុះឈ្មោះទាំងអស់នៅលើឧបករណ៍ ប្រសិនបើភ្លេចពាក្យសម្ងាត់។</translation>
    </message>
    <message>
        <source>Save the recovery key</source>
        <translation>រក្សាទុកសោស្តារ</translation>
    </message>
    <message>
        <source>Choose a place outside the FieldReg data folder.</source>
        <translation>សូមជ្រើសរើសទីតាំងនៅក្រៅថតទិន្នន័យ FieldReg។</translation>
    </message>
    <message>
        <source>Saved to {path}</source>
        <translation>បានរក្សាទុកនៅ {path}</translation>
    </message>
    <message>
        <source>Sent to the printer.</source>
        <translation>បានបញ្ជូនទៅម៉ាស៊ីនបោះពុម្ពហើយ។</translation>
    </message>
    <message>
        <source>Your recovery key</source>
        <translation>សោស្តាររបស់លោកអ្នក</translation>
    </message>
    <message>
        <source>If every coordinator forgets their passphrase, this key is the only way to open the registrations on this laptop. It is shown only now. Write it down, or save or print it, and keep it away from the laptop.</source>
        <translation>ប្រសិនបើអ្នកសម្របសម្រួលទាំងអស់ភ្លេចពាក្យសម្ងាត់ សោនេះគឺជាមធ្យោបាយតែមួយគត់ដើម្បីបើកការចុះឈ្មោះនៅលើកុំព្យូទ័រនេះ។ សោនេះបង្ហាញតែម្តងនេះប៉ុណ្ណោះ។ សូមកត់ត្រាទុក រក្សាទុក ឬបោះពុម្ព ហើយទុកវានៅឆ្ងាយពីកុំព្យូទ័រ។</translation>
    </message>
    <message>
        <source>Recovery key as a QR code</source>
        <translation>សោស្តារជាកូដ QR</translation>
    </message>
    <message>
        <source>Save as image...</source>
        <translation>រក្សាទុកជារូបភាព...</translation>
    </message>
    <message>
        <source>Print...</source>
        <translation>បោះពុម្ព...</translation>
    </message>
    <message>
        <source>I have kept the recovery key in a safe place</source>
        <translation>ខ្ញុំបានរក្សាទុកសោស្តារនៅកន្លែងមានសុវត្ថិភាពហើយ</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>បន្ត</translation>
    </message>
</context>
<context>
    <name>RegisterScreen</name>
    <message>
        <source>Unfinished form restored (saved {when}).</source>
        <translation>បានបើកទម្រង់ដែលមិនទាន់បញ្ចប់ឡើងវិញ (រក្សាទុកនៅ {when})។</translation>
    </message>
    <message>
        <source>Age {age}</source>
        <translation>អាយុ {age} ឆ្នាំ</translation>
    </message>
    <message>
        <source>Please correct the fields marked in red.</source>
        <translation>សូមកែប្រអប់ដែលមានសញ្ញាក្រហម។</translation>
    </message>
    <message>
        <source>Saved. The laptop&apos;s disk is almost full: ask a coordinator to free some space soon.</source>
        <translation>បានរក្សាទុកហើយ។ ថាសរបស់កុំព្យូទ័រជិតពេញហើយ៖ សូមស្នើអ្នកសម្របសម្រួលឱ្យសម្អាតទំហំផ្ទុកខ្លះឱ្យបានឆាប់។</translation>
    </message>
    <message>
        <source>The scanned code is not an ID card or a FieldReg code. It says: {seen}</source>
        <translation>កូដដែលបានស្កេនមិនមែនជាអត្តសញ្ញាណប័ណ្ណ ឬកូដ FieldReg ទេ។ វាសរសេរថា៖ {seen}</translation>
    </message>
    <message>
        <source>Filled from the scan. Please check the marked fields.</source>
        <translation>បានបំពេញពីការស្កេន។ សូមពិនិត្យប្រអប់ដែលមានសញ្ញា។</translation>
    </message>
    <message>
        <source>Saved {time}: {name}</source>
        <translation>បានរក្សាទុកម៉ោង {time}៖ {name}</translation>
    </message>
    <message>
        <source>Event: {event}</source>
        <translation>យុទ្ធនាការ៖ {event}</translation>
    </message>
    <message>
        <source>Draft kept</source>
        <translation>បានរក្សាទុកសេចក្តីព្រាង</translation>
    </message>
    <message>
        <source>Not yet kept</source>
        <translation>មិនទាន់រក្សាទុក</translation>
    </message>
    <message>
        <source>New registration</source>
        <translation>ការចុះឈ្មោះថ្មី</translation>
    </message>
    <message>
        <source>Change event</source>
        <translation>ប្តូរយុទ្ធនាការ</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>ស្កេន</translation>
    </message>
    <message>
        <source>Scan an ID card or a code</source>
        <translation>ស្កេនអត្តសញ្ញាណប័ណ្ណ ឬកូដ</translation>
    </message>
    <message>
        <source>Show receipt</source>
        <translation>បង្ហាញបង្កាន់ដៃ</translation>
    </message>
    <message>
        <source>Clear form</source>
        <translation>សម្អាតទម្រង់</translation>
    </message>
    <message>
        <source>Save registration</source>
        <translation>រក្សាទុកការចុះឈ្មោះ</translation>
    </message>
    <message>
        <source>Ctrl+S</source>
        <translation>Ctrl+S</translation>
    </message>
</context>
<context>
    <name>RegistrationFields</name>
    <message>
        <source>Identity</source>
        <translation>អត្តសញ្ញាណ</translation>
    </message>
    <message>
        <source>Contact</source>
        <translation>ទំនាក់ទំនង</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>អាសយដ្ឋាន</translation>
    </message>
    <message>
        <source>Work</source>
        <translation>ការងារ</translation>
    </message>
    <message>
        <source>Services of interest</source>
        <translation>សេវាដែលចាប់អារម្មណ៍</translation>
    </message>
    <message>
        <source>ID document</source>
        <translation>ឯកសារអត្តសញ្ញាណ</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>លេខឯកសារ</translation>
    </message>
    <message>
        <source>Name in Khmer</source>
        <translation>ឈ្មោះជាអក្សរខ្មែរ</translation>
    </message>
    <message>
        <source>Name in Latin letters</source>
        <translation>ឈ្មោះជាអក្សរឡាតាំង</translation>
    </message>
    <message>
        <source>Sex</source>
        <translation>ភេទ</translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation>ថ្ងៃខែឆ្នាំកំណើត</translation>
    </message>
    <message>
        <source>Phone number</source>
        <translation>លេខទូរស័ព្ទ</translation>
    </message>
    <message>
        <source>Province or capital</source>
        <translation>រាជធានី ឬខេត្ត</translation>
    </message>
    <message>
        <source>District, municipality or khan</source>
        <translation>ស្រុក ក្រុង ឬខណ្ឌ</translation>
    </message>
    <message>
        <source>Commune or sangkat</source>
        <translation>ឃុំ ឬសង្កាត់</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>ភូមិ</translation>
    </message>
    <message>
        <source>Target group</source>
        <translation>ក្រុមគោលដៅ</translation>
    </message>
    <message>
        <source>Business sector</source>
        <translation>វិស័យអាជីវកម្ម</translation>
    </message>
    <message>
        <source>Business name (optional)</source>
        <translation>ឈ្មោះអាជីវកម្ម (បើមាន)</translation>
    </message>
    <message>
        <source>Workers</source>
        <translation>ចំនួនកម្មករ</translation>
    </message>
    <message>
        <source>Consent</source>
        <translation>ការយល់ព្រម</translation>
    </message>
    <message>
        <source>The person agrees to register and to share this information with CAM-IE</source>
        <translation>សាមីខ្លួនយល់ព្រមចុះឈ្មោះ និងចែករំលែកព័ត៌មាននេះជាមួយប្រព័ន្ធ CAM-IE</translation>
    </message>
    <message>
        <source>e.g. 15/01/1990</source>
        <translation>ឧ. 15/01/1990</translation>
    </message>
    <message>
        <source>e.g. 012 345 678</source>
        <translation>ឧ. 012 345 678</translation>
    </message>
    <message>
        <source>9 digits on the ID card</source>
        <translation>លេខ ៩ ខ្ទង់នៅលើអត្តសញ្ញាណប័ណ្ណ</translation>
    </message>
    <message>
        <source>Type in Khmer or Latin</source>
        <translation>វាយជាអក្សរខ្មែរ ឬឡាតាំង</translation>
    </message>
    <message>
        <source>Choose...</source>
        <translation>ជ្រើសរើស...</translation>
    </message>
</context>
<context>
    <name>RegistrationsScreen</name>
    <message>
        <source>Loading...</source>
        <translation>កំពុងផ្ទុក...</translation>
    </message>
    <message numerus="yes">
        <source>%n registration(s) shown</source>
        <translation>
            <numerusform>បង្ហាញការចុះឈ្មោះចំនួន %n</numerusform>
            <numerusform>បង្ហាញការចុះឈ្មោះចំនួន %n</numerusform>
        </translation>
    </message>
    <message>
        <source>Registrations</source>
        <translation>បញ្ជីចុះឈ្មោះ</translation>
    </message>
    <message>
        <source>Search by name, ID number or phone</source>
        <translation>ស្វែងរកតាមឈ្មោះ លេខអត្តសញ្ញាណ ឬលេខទូរស័ព្ទ</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>ស្ថានភាព</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>គ្រប់ស្ថានភាព</translation>
    </message>
    <message>
        <source>Today only</source>
        <translation>តែថ្ងៃនេះ</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>ផ្ទុកឡើងវិញ</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>បើក</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>កាលបរិច្ឆេទ</translation>
    </message>
    <message>
        <source>Khmer name</source>
        <translation>ឈ្មោះខ្មែរ</translation>
    </message>
    <message>
        <source>Latin name</source>
        <translation>ឈ្មោះឡាតាំង</translation>
    </message>
    <message>
        <source>ID number</source>
        <translation>លេខអត្តសញ្ញាណ</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>ទូរស័ព្ទ</translation>
    </message>
    <message>
        <source>Event</source>
        <translation>យុទ្ធនាការ</translation>
    </message>
</context>
<context>
    <name>RepairScreen</name>
    <message>
        <source>Restoring the backup…</source>
        <translation>កំពុងស្តារច្បាប់បម្រុងទុក…</translation>
    </message>
    <message>
        <source>Rebuilding the store. With many registrations this takes a while…</source>
        <translation>កំពុងកសាងឃ្លាំងទិន្នន័យឡើងវិញ។ បើមានការចុះឈ្មោះច្រើន ការងារនេះត្រូវការពេលបន្តិច…</translation>
    </message>
    <message>
        <source>No backup has been taken on this laptop yet.</source>
        <translation>មិនទាន់មានច្បាប់បម្រុងទុកណាមួយនៅលើកុំព្យូទ័រនេះនៅឡើយទេ។</translation>
    </message>
    <message>
        <source>Taken {date}.</source>
        <translation>បានធ្វើនៅ {date}។</translation>
    </message>
    <message>
        <source>Registrations made since then may be lost.</source>
        <translation>ការចុះឈ្មោះដែលបានធ្វើក្រោយពេលនោះ អាចនឹងបាត់បង់។</translation>
    </message>
    <message>
        <source>Nothing was registered since then.</source>
        <translation>មិនមានការចុះឈ្មោះថ្មីទេចាប់តាំងពីពេលនោះមក។</translation>
    </message>
    <message numerus="yes">
        <source>%n registration(s) made since then may be lost.</source>
        <translation>
            <numerusform>ការចុះឈ្មោះចំនួន %n ដែលបានធ្វើក្រោយពេលនោះ អាចនឹងបាត់បង់។</numerusform>
            <numerusform>ការចុះឈ្មោះចំនួន %n ដែលបានធ្វើក្រោយពេលនោះ អាចនឹងបាត់បង់។</numerusform>
        </translation>
    </message>
    <message>
        <source>Only a coordinator can repair the store. Choose a coordinator.</source>
        <translation>មានតែអ្នកសម្របសម្រួលទេដែលអាចជួសជុលឃ្លាំងទិន្នន័យបាន។ សូមជ្រើសរើសអ្នកសម្របសម្រួល។</translation>
    </message>
    <message>
        <source>The store was rebuilt.</source>
        <translation>ឃ្លាំងទិន្នន័យត្រូវបានកសាងឡើងវិញហើយ។</translation>
    </message>
    <message numerus="yes">
        <source>%n registration(s) recovered.</source>
        <translation>
            <numerusform>បានយកការចុះឈ្មោះចំនួន %n មកវិញ។</numerusform>
            <numerusform>បានយកការចុះឈ្មោះចំនួន %n មកវិញ។</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n registration(s) could not be read and are lost.</source>
        <translation>
            <numerusform>ការចុះឈ្មោះចំនួន %n មិនអាចអានបាន ហើយបានបាត់បង់។</numerusform>
            <numerusform>ការចុះឈ្មោះចំនួន %n មិនអាចអានបាន ហើយបានបាត់បង់។</numerusform>
        </translation>
    </message>
    <message>
        <source>No registration was lost.</source>
        <translation>គ្មានការចុះឈ្មោះណាមួយបាត់បង់ទេ។</translation>
    </message>
    <message>
        <source>The newest backup is back in place.</source>
        <translation>ច្បាប់បម្រុងទុកចុងក្រោយបង្អស់ត្រូវបានដាក់មកវិញហើយ។</translation>
    </message>
    <message>
        <source>The damaged file was kept aside at {path}</source>
        <translation>ឯកសារដែលខូចត្រូវបានរក្សាទុកដាច់ដោយឡែកនៅ {path}</translation>
    </message>
    <message>
        <source>Log in to go on working.</source>
        <translation>សូមចូលប្រើ ដើម្បីបន្តការងារ។</translation>
    </message>
    <message>
        <source>The store needs repair</source>
        <translation>ឃ្លាំងទិន្នន័យត្រូវការជួសជុល</translation>
    </message>
    <message>
        <source>The store is repaired</source>
        <translation>ឃ្លាំងទិន្នន័យត្រូវបានជួសជុលហើយ</translation>
    </message>
    <message>
        <source>Part of the file where this laptop keeps its registrations can no longer be read. A fault of the disk or a power cut can do this. Nothing has been deleted, and the damaged file is kept whatever you choose. A coordinator can repair the store here.</source>
        <translation>ផ្នែកខ្លះនៃឯកសារដែលកុំព្យូទ័រនេះរក្សាទុកការចុះឈ្មោះ លែងអាចអានបានហើយ។ រឿងនេះអាចកើតឡើងដោយសារថាសខូច ឬដាច់ភ្លើង។ គ្មានអ្វីត្រូវបានលុបចោលទេ ហើយឯកសារដែលខូចនឹងត្រូវរក្សាទុក មិនថាអ្នកជ្រើសរើសយ៉ាងណាក៏ដោយ។ អ្នកសម្របសម្រួលអាចជួសជុលឃ្លាំងទិន្នន័យនៅទីនេះ។</translation>
    </message>
    <message>
        <source>Coordinator</source>
        <translation>អ្នកសម្របសម្រួល</translation>
    </message>
    <message>
        <source>Coordinator&apos;s passphrase</source>
        <translation>ពាក្យសម្ងាត់របស់អ្នកសម្របសម្រួល</translation>
    </message>
    <message>
        <source>No coordinator could be read from this store or its backups. Keep the laptop as it is and ask for technical help.</source>
        <translation>មិនអាចអានឈ្មោះអ្នកសម្របសម្រួលណាមួយពីឃ្លាំងទិន្នន័យនេះ ឬពីច្បាប់បម្រុងទុករបស់វាបានទេ។ សូមទុកកុំព្យូទ័រឱ្យនៅដដែល ហើយស្នើសុំជំនួយបច្ចេកទេស។</translation>
    </message>
    <message>
        <source>Restore the newest backup</source>
        <translation>ស្តារច្បាប់បម្រុងទុកចុងក្រោយបង្អស់</translation>
    </message>
    <message>
        <source>Rebuild from everything that still reads</source>
        <translation>កសាងឡើងវិញពីអ្វីៗទាំងអស់ដែលនៅអាចអានបាន</translation>
    </message>
    <message>
        <source>Every registration that still reads is kept; the report says how many could not be read.</source>
        <translation>ការចុះឈ្មោះទាំងអស់ដែលនៅអាចអានបាន នឹងត្រូវរក្សាទុក។ របាយការណ៍នឹងប្រាប់ថាមានប៉ុន្មានដែលមិនអាចអានបាន។</translation>
    </message>
    <message>
        <source>Repair the store</source>
        <translation>ជួសជុលឃ្លាំងទិន្នន័យ</translation>
    </message>
    <message>
        <source>Go to the login</source>
        <translation>ទៅកាន់ការចូលប្រើ</translation>
    </message>
</context>
<context>
    <name>ScanDialog</name>
    <message>
        <source>This code is not an ID card or a FieldReg code. It says: {seen}</source>
        <translation>កូដនេះមិនមែនជាអត្តសញ្ញាណប័ណ្ណ ឬកូដ FieldReg ទេ។ វាសរសេរថា៖ {seen}</translation>
    </message>
    <message>
        <source>Pictures</source>
        <translation>រូបភាព</translation>
    </message>
    <message>
        <source>Choose a picture of the code</source>
        <translation>ជ្រើសរើសរូបភាពនៃកូដ</translation>
    </message>
    <message>
        <source>Reading the picture...</source>
        <translation>កំពុងអានរូបភាព...</translation>
    </message>
    <message>
        <source>This file is not a picture FieldReg can read.</source>
        <translation>ឯកសារនេះមិនមែនជារូបភាពដែល FieldReg អាចអានបានទេ។</translation>
    </message>
    <message>
        <source>No code was found in this picture. Try a sharper picture, taken closer and straight on.</source>
        <translation>រកមិនឃើញកូដនៅក្នុងរូបភាពនេះទេ។ សូមសាកល្បងរូបភាពដែលច្បាស់ជាងនេះ ថតឱ្យជិតជាងនេះ និងត្រង់។</translation>
    </message>
    <message>
        <source>Hold the code still, in the middle of the picture.</source>
        <translation>សូមកាន់កូដឱ្យនឹង នៅកណ្តាលរូបភាព។</translation>
    </message>
    <message>
        <source>No camera was found on this computer.</source>
        <translation>រកមិនឃើញកាមេរ៉ានៅលើកុំព្យូទ័រនេះទេ។</translation>
    </message>
    <message>
        <source>Choose a picture of the ID card or code instead.</source>
        <translation>សូមជ្រើសរើសរូបភាពអត្តសញ្ញាណប័ណ្ណ ឬកូដជំនួសវិញ។</translation>
    </message>
    <message>
        <source>The camera is not working.</source>
        <translation>កាមេរ៉ាមិនដំណើរការទេ។</translation>
    </message>
    <message>
        <source>Check that no other program uses it, or choose a picture of the code instead.</source>
        <translation>សូមពិនិត្យថាគ្មានកម្មវិធីផ្សេងកំពុងប្រើវា ឬជ្រើសរើសរូបភាពនៃកូដជំនួសវិញ។</translation>
    </message>
    <message>
        <source>Starting the camera...</source>
        <translation>កំពុងបើកកាមេរ៉ា...</translation>
    </message>
    <message>
        <source>Hold the back of the ID card or the code in front of the camera.</source>
        <translation>សូមកាន់ផ្នែកខាងក្រោយនៃអត្តសញ្ញាណប័ណ្ណ ឬកូដ នៅពីមុខកាមេរ៉ា។</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>ស្កេន</translation>
    </message>
    <message>
        <source>Scan an ID card or a code</source>
        <translation>ស្កេនអត្តសញ្ញាណប័ណ្ណ ឬកូដ</translation>
    </message>
    <message>
        <source>Camera picture</source>
        <translation>រូបភាពពីកាមេរ៉ា</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>កាមេរ៉ា</translation>
    </message>
    <message>
        <source>A hand scanner works too: scan with it at any time, into any field.</source>
        <translation>ម៉ាស៊ីនស្កេនដៃក៏ប្រើបានដែរ៖ ស្កេនបានគ្រប់ពេល ចូលក្នុងប្រអប់ណាមួយក៏បាន។</translation>
    </message>
    <message>
        <source>Choose a picture...</source>
        <translation>ជ្រើសរើសរូបភាព...</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>បិទ</translation>
    </message>
</context>
<context>
    <name>ScanErrors</name>
    <message>
        <source>The picture file is not there.</source>
        <translation>រកមិនឃើញឯកសាររូបភាពនោះទេ។</translation>
    </message>
    <message>
        <source>This picture cannot be read. Try another photo or scan.</source>
        <translation>មិនអាចអានរូបភាពនេះបានទេ។ សូមសាកល្បងរូបថតផ្សេង ឬស្កេនម្តងទៀត។</translation>
    </message>
</context>
<context>
    <name>SettingsScreen</name>
    <message>
        <source>Settings</source>
        <translation>ការកំណត់</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>ភាសា</translation>
    </message>
    <message>
        <source>Show numbers and dates in Khmer digits</source>
        <translation>បង្ហាញលេខ និងកាលបរិច្ឆេទជាលេខខ្មែរ</translation>
    </message>
    <message>
        <source>Please fix the marked fields.</source>
        <translation>សូមកែប្រអប់ដែលមានសញ្ញា។</translation>
    </message>
    <message>
        <source>This laptop&apos;s signing key is lost, so nothing can be sent to the hub. Ask the hub administrator for a re-key enrolment code for device id {device_id}, then a coordinator enters it here.</source>
        <translation>សោចុះហត្ថលេខារបស់កុំព្យូទ័រនេះបានបាត់បង់ ដូច្នេះមិនអាចបញ្ជូនអ្វីទៅម៉ាស៊ីនមេបានទេ។ សូមសួរអ្នកគ្រប់គ្រងម៉ាស៊ីនមេ ដើម្បីសុំកូដចុះបញ្ជីសម្រាប់ប្តូរសោ សម្រាប់លេខសម្គាល់ឧបករណ៍ {device_id} បន្ទាប់មកឱ្យអ្នកសម្របសម្រួលបញ្ចូលវានៅទីនេះ។</translation>
    </message>
    <message>
        <source>Saving...</source>
        <translation>កំពុងរក្សាទុក...</translation>
    </message>
    <message>
        <source>Saved. The sync uses the new hub settings from its next try.</source>
        <translation>បានរក្សាទុក។ ការបញ្ជូនលើកក្រោយនឹងប្រើការកំណត់ម៉ាស៊ីនមេថ្មី។</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>បានរក្សាទុក។</translation>
    </message>
    <message>
        <source>Contacting the hub...</source>
        <translation>កំពុងទាក់ទងម៉ាស៊ីនមេ...</translation>
    </message>
    <message>
        <source>Enrolled. Registrations will now go to the hub.</source>
        <translation>បានចុះបញ្ជីរួចហើយ។ ការចុះឈ្មោះនឹងត្រូវបញ្ជូនទៅម៉ាស៊ីនមេ។</translation>
    </message>
    <message>
        <source>Your own choice: it applies at once, only to you.</source>
        <translation>ជម្រើសផ្ទាល់ខ្លួន៖ មានប្រសិទ្ធភាពភ្លាមៗ សម្រាប់តែលោកអ្នកប៉ុណ្ណោះ។</translation>
    </message>
    <message>
        <source>Lock this laptop</source>
        <translation>ចាក់សោកុំព្យូទ័រនេះ</translation>
    </message>
    <message>
        <source>Lock after this many idle minutes</source>
        <translation>ចាក់សោដោយស្វ័យប្រវត្តិ ក្រោយពេលទំនេរ</translation>
    </message>
    <message>
        <source> min</source>
        <translation> នាទី</translation>
    </message>
    <message>
        <source>Only a coordinator can change this.</source>
        <translation>មានតែអ្នកសម្របសម្រួលទេ ដែលអាចប្តូរការកំណត់នេះ។</translation>
    </message>
    <message>
        <source>Backups</source>
        <translation>ការបម្រុងទុក</translation>
    </message>
    <message>
        <source>Back up after every this many registrations</source>
        <translation>បម្រុងទុកបន្ទាប់ពីការចុះឈ្មោះចំនួននេះម្ដងៗ</translation>
    </message>
    <message>
        <source>Also at logout when anything was registered since. The newest five backups are kept on this laptop, encrypted like the registrations.</source>
        <translation>ក៏បម្រុងទុកនៅពេលចាកចេញដែរ ប្រសិនបើមានការចុះឈ្មោះថ្មី។ ការបម្រុងទុកថ្មីបំផុតចំនួនប្រាំត្រូវបានរក្សាទុកនៅលើកុំព្យូទ័រនេះ ដោយបានអ៊ិនគ្រីបដូចការចុះឈ្មោះដែរ។</translation>
    </message>
    <message>
        <source>Hub connection</source>
        <translation>ការភ្ជាប់ទៅម៉ាស៊ីនមេ</translation>
    </message>
    <message>
        <source>Enrolment code</source>
        <translation>កូដចុះបញ្ជី</translation>
    </message>
    <message>
        <source>Enrol</source>
        <translation>ចុះបញ្ជី</translation>
    </message>
    <message>
        <source>Hub address</source>
        <translation>អាសយដ្ឋានម៉ាស៊ីនមេ</translation>
    </message>
    <message>
        <source>Security server address</source>
        <translation>អាសយដ្ឋាន Security Server</translation>
    </message>
    <message>
        <source>Client (X-Road-Client header)</source>
        <translation>អតិថិជន (ក្បាល X-Road-Client)</translation>
    </message>
    <message>
        <source>Service path</source>
        <translation>ផ្លូវសេវា (Service path)</translation>
    </message>
    <message>
        <source>https://hub.example.org</source>
        <translation>https://hub.example.org</translation>
    </message>
    <message>
        <source>https://security-server.example.org</source>
        <translation>https://security-server.example.org</translation>
    </message>
    <message>
        <source>CAMBODIA/COM/MEMBER-CODE/SUBSYSTEM</source>
        <translation>CAMBODIA/COM/MEMBER-CODE/SUBSYSTEM</translation>
    </message>
    <message>
        <source>/r1/CAMBODIA/GOV/MEMBER-CODE/SUBSYSTEM/SERVICE</source>
        <translation>/r1/CAMBODIA/GOV/MEMBER-CODE/SUBSYSTEM/SERVICE</translation>
    </message>
    <message>
        <source>Send through a CamDX (X-Road) security server</source>
        <translation>បញ្ជូនតាមរយៈ Security Server របស់ CamDX (X-Road)</translation>
    </message>
    <message>
        <source>Records per batch</source>
        <translation>ចំនួនការចុះឈ្មោះក្នុងមួយកញ្ចប់</translation>
    </message>
    <message>
        <source>Adapt to the link</source>
        <translation>សម្របតាមបណ្តាញ</translation>
    </message>
    <message>
        <source>Batches are sealed and signed, so a wrong address cannot read them: the sync only fails until the address is right.</source>
        <translation>កញ្ចប់ទិន្នន័យត្រូវបានអ៊ិនគ្រីប និងចុះហត្ថលេខា ដូច្នេះអាសយដ្ឋានខុសមិនអាចអានវាបានទេ៖ ការបញ្ជូនគ្រាន់តែបរាជ័យ រហូតដល់អាសយដ្ឋានត្រឹមត្រូវ។</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>រក្សាទុក</translation>
    </message>
    <message>
        <source>This laptop is enrolled with the hub.</source>
        <translation>កុំព្យូទ័រនេះបានចុះបញ្ជីជាមួយម៉ាស៊ីនមេរួចហើយ។</translation>
    </message>
    <message>
        <source>Not enrolled with a hub yet. Registrations are kept safely on this laptop until it is enrolled.</source>
        <translation>មិនទាន់បានចុះបញ្ជីជាមួយម៉ាស៊ីនមេនៅឡើយ។ ការចុះឈ្មោះត្រូវបានរក្សាទុកដោយសុវត្ថិភាពនៅលើកុំព្យូទ័រនេះ រហូតដល់ពេលចុះបញ្ជី។</translation>
    </message>
</context>
<context>
    <name>StoreErrors</name>
    <message>
        <source>There is no FieldReg store here yet.</source>
        <translation>មិនទាន់មានឃ្លាំងទិន្នន័យ FieldReg នៅទីនេះទេ។</translation>
    </message>
    <message>
        <source>The store file is damaged. A coordinator can repair it: choose “Repair the store”.</source>
        <translation>ឯកសារឃ្លាំងទិន្នន័យខូចហើយ។ អ្នកសម្របសម្រួលអាចជួសជុលវាបាន៖ សូមជ្រើសរើស «ជួសជុលឃ្លាំងទិន្នន័យ»។</translation>
    </message>
    <message>
        <source>This store was written by a newer FieldReg. Install the newer version.</source>
        <translation>ឃ្លាំងទិន្នន័យនេះត្រូវបានសរសេរដោយ FieldReg កំណែថ្មីជាង។ សូមដំឡើងកំណែថ្មីនោះ។</translation>
    </message>
    <message>
        <source>There is no user with that name.</source>
        <translation>គ្មានអ្នកប្រើប្រាស់ដែលមានឈ្មោះនេះទេ។</translation>
    </message>
    <message>
        <source>A user with that name already exists.</source>
        <translation>មានអ្នកប្រើប្រាស់ឈ្មោះនេះរួចហើយ។</translation>
    </message>
    <message>
        <source>A name has 1 to 64 letters, digits or spaces.</source>
        <translation>ឈ្មោះត្រូវមានពី ១ ដល់ ៦៤ តួ (អក្សរ លេខ ឬដកឃ្លា)។</translation>
    </message>
    <message>
        <source>The passphrase must have at least {minimum} characters.</source>
        <translation>ពាក្យសម្ងាត់ត្រូវមានយ៉ាងតិច {minimum} តួអក្សរ។</translation>
    </message>
    <message>
        <source>This passphrase is too easy to guess. Use a few words that do not belong together.</source>
        <translation>ពាក្យសម្ងាត់នេះងាយទាយពេក។ សូមប្រើពាក្យពីរបីដែលមិនទាក់ទងគ្នា។</translation>
    </message>
    <message>
        <source>Wrong passphrase. {attempts_left} attempts left before the account locks.</source>
        <translation>ពាក្យសម្ងាត់មិនត្រឹមត្រូវ។ នៅសល់ {attempts_left} ដងទៀត មុនពេលគណនីត្រូវចាក់សោ។</translation>
    </message>
    <message>
        <source>Too many wrong passphrases. Please wait.</source>
        <translation>វាយពាក្យសម្ងាត់ខុសច្រើនដងពេក។ សូមរង់ចាំបន្តិច។</translation>
    </message>
    <message>
        <source>This account is locked after repeated wrong passphrases. Ask a coordinator to set a new passphrase, or use the recovery key.</source>
        <translation>គណនីនេះត្រូវបានចាក់សោ ដោយសារវាយពាក្យសម្ងាត់ខុសច្រើនដង។ សូមស្នើអ្នកសម្របសម្រួលឱ្យកំណត់ពាក្យសម្ងាត់ថ្មី ឬប្រើសោស្តារ។</translation>
    </message>
    <message>
        <source>This account is disabled.</source>
        <translation>គណនីនេះត្រូវបានបិទ។</translation>
    </message>
    <message>
        <source>The data key of this laptop was changed and this account has no key for it yet. Ask a coordinator to set a new passphrase for it.</source>
        <translation>សោទិន្នន័យរបស់កុំព្យូទ័រនេះត្រូវបានប្តូរ ហើយគណនីនេះមិនទាន់មានសោសម្រាប់វានៅឡើយទេ។ សូមស្នើអ្នកសម្របសម្រួលឱ្យកំណត់ពាក្យសម្ងាត់ថ្មីសម្រាប់គណនីនេះ។</translation>
    </message>
    <message>
        <source>That recovery key does not open this store.</source>
        <translation>សោស្តារនេះមិនអាចបើកឃ្លាំងទិន្នន័យនេះបានទេ។</translation>
    </message>
    <message>
        <source>Only a coordinator can do that.</source>
        <translation>មានតែអ្នកសម្របសម្រួលទេ ដែលអាចធ្វើបាន។</translation>
    </message>
    <message>
        <source>That registration was not found.</source>
        <translation>រកមិនឃើញការចុះឈ្មោះនេះទេ។</translation>
    </message>
    <message>
        <source>The event name is too long or has characters not allowed.</source>
        <translation>ឈ្មោះយុទ្ធនាការវែងពេក ឬមានតួអក្សរដែលមិនអនុញ្ញាត។</translation>
    </message>
    <message>
        <source>Choose where registration happens: outreach, a partner bank, or a commune office.</source>
        <translation>សូមជ្រើសរើសកន្លែងចុះឈ្មោះ៖ យុទ្ធនាការចុះមូលដ្ឋាន ធនាគារដៃគូ ឬសាលាឃុំ/សង្កាត់។</translation>
    </message>
    <message>
        <source>These figures cannot be broken down that way.</source>
        <translation>តួលេខទាំងនេះមិនអាចបែងចែកតាមរបៀបនោះបានទេ។</translation>
    </message>
    <message>
        <source>The figures cannot be filtered by that value ({field}).</source>
        <translation>មិនអាចត្រងតួលេខតាមតម្លៃនេះបានទេ ({field})។</translation>
    </message>
    <message>
        <source>Please give a reason.</source>
        <translation>សូមបញ្ជាក់មូលហេតុ។</translation>
    </message>
    <message>
        <source>The form is too large to keep.</source>
        <translation>ទម្រង់នេះធំពេក មិនអាចរក្សាទុកបានទេ។</translation>
    </message>
    <message>
        <source>The app is locked. Please log in again.</source>
        <translation>កម្មវិធីត្រូវបានចាក់សោ។ សូមចូលប្រើម្តងទៀត។</translation>
    </message>
    <message>
        <source>The two passphrases differ.</source>
        <translation>ពាក្យសម្ងាត់ទាំងពីរមិនដូចគ្នាទេ។</translation>
    </message>
    <message>
        <source>That value is not allowed.</source>
        <translation>តម្លៃនេះមិនត្រូវបានអនុញ្ញាតទេ។</translation>
    </message>
    <message>
        <source>Choose registrar or coordinator.</source>
        <translation>សូមជ្រើសរើស មន្ត្រីចុះឈ្មោះ ឬអ្នកសម្របសម្រួល។</translation>
    </message>
    <message>
        <source>{name} is not a coordinator.</source>
        <translation>{name} មិនមែនជាអ្នកសម្របសម្រួលទេ។</translation>
    </message>
    <message>
        <source>This laptop is not enrolled with a hub yet. Enrol it in Settings first.</source>
        <translation>កុំព្យូទ័រនេះមិនទាន់បានចុះបញ្ជីជាមួយម៉ាស៊ីនមេនៅឡើយទេ។ សូមចុះបញ្ជីនៅក្នុង «ការកំណត់» ជាមុនសិន។</translation>
    </message>
    <message>
        <source>The hub&apos;s keys do not match the enrolment code: this may not be your hub. Nothing was changed.</source>
        <translation>សោរបស់ម៉ាស៊ីនមេមិនត្រូវគ្នានឹងកូដចុះបញ្ជីទេ៖ នេះប្រហែលជាមិនមែនជាម៉ាស៊ីនមេរបស់លោកអ្នកទេ។ គ្មានអ្វីត្រូវបានផ្លាស់ប្តូរទេ។</translation>
    </message>
    <message>
        <source>The hub&apos;s answer did not verify. Nothing was changed.</source>
        <translation>មិនអាចផ្ទៀងផ្ទាត់ចម្លើយរបស់ម៉ាស៊ីនមេបានទេ។ គ្មានអ្វីត្រូវបានផ្លាស់ប្តូរទេ។</translation>
    </message>
    <message>
        <source>That is not a usable enrolment code. Copy it again from the hub.</source>
        <translation>នេះមិនមែនជាកូដចុះបញ្ជីដែលអាចប្រើបានទេ។ សូមចម្លងវាម្តងទៀតពីម៉ាស៊ីនមេ។</translation>
    </message>
    <message>
        <source>There is already a FieldReg store here.</source>
        <translation>មានឃ្លាំងទិន្នន័យ FieldReg នៅទីនេះរួចហើយ។</translation>
    </message>
    <message>
        <source>The laptop&apos;s disk is full. Everything saved before is kept, but nothing more can be saved. Ask a coordinator to free some space, then try again.</source>
        <translation>ថាសរបស់កុំព្យូទ័រពេញហើយ។ អ្វីៗដែលបានរក្សាទុកពីមុននៅតែមានដដែល ប៉ុន្តែមិនអាចរក្សាទុកអ្វីបន្ថែមទៀតបានទេ។ សូមស្នើអ្នកសម្របសម្រួលឱ្យសម្អាតទំហំផ្ទុកខ្លះ រួចព្យាយាមម្តងទៀត។</translation>
    </message>
    <message>
        <source>The laptop&apos;s disk is almost full ({free_mb} MB free), so registering has stopped before anything is lost. Ask a coordinator to free some space, then try again.</source>
        <translation>ថាសរបស់កុំព្យូទ័រជិតពេញហើយ (នៅសល់ទំនេរ {free_mb} MB) ដូច្នេះការចុះឈ្មោះត្រូវបានផ្អាកសិន មុនពេលមានអ្វីបាត់បង់។ សូមស្នើអ្នកសម្របសម្រួលឱ្យសម្អាតទំហំផ្ទុកខ្លះ រួចព្យាយាមម្តងទៀត។</translation>
    </message>
    <message>
        <source>The store is not damaged. Restoring a backup would lose what was saved since.</source>
        <translation>ឃ្លាំងទិន្នន័យមិនបានខូចទេ។ ការស្តារច្បាប់បម្រុងទុកនឹងធ្វើឱ្យបាត់បង់អ្វីដែលបានរក្សាទុកចាប់តាំងពីពេលនោះមក។</translation>
    </message>
    <message>
        <source>The store is in use by another program. Try again in a moment.</source>
        <translation>ឃ្លាំងទិន្នន័យកំពុងត្រូវបានប្រើដោយកម្មវិធីផ្សេង។ សូមរង់ចាំបន្តិច ហើយព្យាយាមម្តងទៀត។</translation>
    </message>
    <message>
        <source>This person may already be registered.</source>
        <translation>បុគ្គលនេះប្រហែលជាបានចុះឈ្មោះរួចហើយ។</translation>
    </message>
    <message>
        <source>That status is not allowed.</source>
        <translation>ស្ថានភាពនេះមិនត្រូវបានអនុញ្ញាតទេ។</translation>
    </message>
    <message>
        <source>There is no backup to restore.</source>
        <translation>គ្មានច្បាប់បម្រុងទុកសម្រាប់ស្តារទេ។</translation>
    </message>
    <message>
        <source>That backup file is not there any more.</source>
        <translation>ឯកសារច្បាប់បម្រុងទុកនោះលែងមានទៀតហើយ។</translation>
    </message>
    <message>
        <source>This laptop&apos;s signing key is missing or is not this laptop&apos;s, so nothing can be sent to the hub. Put back the key file device-signing.key from where it was kept. If it is lost, ask the hub administrator for a re-key enrolment code for this laptop (device id {device_id}) and enter it in Settings as a coordinator. Registrations waiting here are then sent.</source>
        <translation>សោចុះហត្ថលេខារបស់កុំព្យូទ័រនេះបាត់ ឬមិនមែនជារបស់កុំព្យូទ័រនេះទេ ដូច្នេះមិនអាចបញ្ជូនអ្វីទៅម៉ាស៊ីនមេបានទេ។ សូមដាក់ឯកសារសោ device-signing.key មកវិញពីកន្លែងដែលបានរក្សាទុកវា។ ប្រសិនបើវាបាត់បង់ សូមសួរអ្នកគ្រប់គ្រងម៉ាស៊ីនមេ ដើម្បីសុំកូដចុះបញ្ជីសម្រាប់ប្តូរសោ សម្រាប់កុំព្យូទ័រនេះ (លេខសម្គាល់ឧបករណ៍ {device_id}) ហើយឱ្យអ្នកសម្របសម្រួលបញ្ចូលវាក្នុង «ការកំណត់»។ បន្ទាប់មក ការចុះឈ្មោះដែលកំពុងរង់ចាំនៅទីនេះនឹងត្រូវបញ្ជូនទៅ។</translation>
    </message>
    <message>
        <source>Some settings are not valid. Check the marked fields.</source>
        <translation>ការកំណត់ខ្លះមិនត្រឹមត្រូវ។ សូមពិនិត្យប្រអប់ដែលមានសញ្ញា។</translation>
    </message>
    <message>
        <source>The folder is not there any more (was the USB stick removed?).</source>
        <translation>ថតនោះលែងមានទៀតហើយ (តើ USB ត្រូវបានដកចេញឬ?)។</translation>
    </message>
    <message>
        <source>That input cannot be used.</source>
        <translation>ទិន្នន័យដែលបានបញ្ចូលនេះមិនអាចប្រើបានទេ។</translation>
    </message>
    <message>
        <source>The hub&apos;s key file is missing. Put back your copy of it.</source>
        <translation>ឯកសារសោរបស់ម៉ាស៊ីនមេបាត់។ សូមដាក់ច្បាប់ចម្លងរបស់វាមកវិញ។</translation>
    </message>
    <message>
        <source>That passphrase does not unlock the hub&apos;s keys.</source>
        <translation>ពាក្យសម្ងាត់នេះមិនអាចបើកសោរបស់ម៉ាស៊ីនមេបានទេ។</translation>
    </message>
    <message>
        <source>That key file belongs to another hub.</source>
        <translation>ឯកសារសោនេះជារបស់ម៉ាស៊ីនមេផ្សេង។</translation>
    </message>
    <message>
        <source>The hub&apos;s key file is damaged. Put back your copy of it.</source>
        <translation>ឯកសារសោរបស់ម៉ាស៊ីនមេខូច។ សូមដាក់ច្បាប់ចម្លងរបស់វាមកវិញ។</translation>
    </message>
    <message>
        <source>The hub&apos;s keys are locked: the hub passphrase is needed.</source>
        <translation>សោរបស់ម៉ាស៊ីនមេត្រូវបានចាក់សោ៖ ត្រូវការពាក្យសម្ងាត់របស់ម៉ាស៊ីនមេ។</translation>
    </message>
    <message>
        <source>The hub&apos;s database cannot be reached. Nothing was lost; try again later.</source>
        <translation>មិនអាចភ្ជាប់ទៅមូលដ្ឋានទិន្នន័យរបស់ម៉ាស៊ីនមេបានទេ។ គ្មានទិន្នន័យបាត់បង់ទេ សូមព្យាយាមម្តងទៀតនៅពេលក្រោយ។</translation>
    </message>
    <message>
        <source>The hub is busy. Nothing was lost; it is tried again shortly.</source>
        <translation>ម៉ាស៊ីនមេកំពុងរវល់។ គ្មានទិន្នន័យបាត់បង់ទេ វានឹងព្យាយាមម្តងទៀតក្នុងពេលឆាប់ៗនេះ។</translation>
    </message>
    <message>
        <source>That is not a PostgreSQL address (postgresql://user@host:port/db).</source>
        <translation>នេះមិនមែនជាអាសយដ្ឋាន PostgreSQL ទេ (postgresql://user@host:port/db)។</translation>
    </message>
    <message>
        <source>Something went wrong. Nothing was lost; please try again.</source>
        <translation>មានបញ្ហាកើតឡើង។ គ្មានទិន្នន័យបាត់បង់ទេ សូមព្យាយាមម្តងទៀត។</translation>
    </message>
</context>
<context>
    <name>SyncErrors</name>
    <message>
        <source>The hub cannot be reached. Registrations stay safe on this laptop and are sent when the connection returns.</source>
        <translation>មិនអាចទាក់ទងម៉ាស៊ីនមេបានទេ។ ការចុះឈ្មោះនៅតែមានសុវត្ថិភាពនៅលើកុំព្យូទ័រនេះ ហើយនឹងត្រូវបញ្ជូននៅពេលមានការតភ្ជាប់វិញ។</translation>
    </message>
    <message>
        <source>The hub&apos;s security certificate is not the one this laptop was enrolled with: this may not be your hub. Nothing was sent. Ask the hub&apos;s administrator.</source>
        <translation>វិញ្ញាបនបត្រសុវត្ថិភាពរបស់ម៉ាស៊ីនមេ មិនមែនជាវិញ្ញាបនបត្រដែលកុំព្យូទ័រនេះបានចុះបញ្ជីជាមួយទេ៖ នេះប្រហែលជាមិនមែនជាម៉ាស៊ីនមេរបស់លោកអ្នកទេ។ គ្មានអ្វីត្រូវបានបញ្ជូនទេ។ សូមសួរអ្នកគ្រប់គ្រងម៉ាស៊ីនមេ។</translation>
    </message>
    <message>
        <source>This laptop is not enrolled with a hub yet. Enrol it in Settings first.</source>
        <translation>កុំព្យូទ័រនេះមិនទាន់បានចុះបញ្ជីជាមួយម៉ាស៊ីនមេនៅឡើយទេ។ សូមចុះបញ្ជីនៅក្នុង «ការកំណត់» ជាមុនសិន។</translation>
    </message>
    <message>
        <source>That address does not answer like a FieldReg hub. Check the hub address.</source>
        <translation>អាសយដ្ឋាននោះមិនឆ្លើយតបដូចម៉ាស៊ីនមេ FieldReg ទេ។ សូមពិនិត្យអាសយដ្ឋានម៉ាស៊ីនមេ។</translation>
    </message>
    <message>
        <source>The hub does not know that enrolment code.</source>
        <translation>ម៉ាស៊ីនមេមិនស្គាល់កូដចុះបញ្ជីនោះទេ។</translation>
    </message>
    <message>
        <source>That enrolment code was already used by another laptop. Ask for a new one.</source>
        <translation>កូដចុះបញ្ជីនោះត្រូវបានប្រើដោយកុំព្យូទ័រផ្សេងរួចហើយ។ សូមស្នើសុំកូដថ្មី។</translation>
    </message>
    <message>
        <source>That enrolment code has expired. Ask for a new one.</source>
        <translation>កូដចុះបញ្ជីនោះផុតសុពលភាពហើយ។ សូមស្នើសុំកូដថ្មី។</translation>
    </message>
    <message>
        <source>The hub does not know this laptop. Enrol it again.</source>
        <translation>ម៉ាស៊ីនមេមិនស្គាល់កុំព្យូទ័រនេះទេ។ សូមចុះបញ្ជីម្តងទៀត។</translation>
    </message>
    <message>
        <source>The hub has blocked this laptop. Ask the campaign&apos;s hub administrator.</source>
        <translation>ម៉ាស៊ីនមេបានរារាំងកុំព្យូទ័រនេះ។ សូមសួរអ្នកគ្រប់គ្រងម៉ាស៊ីនមេរបស់យុទ្ធនាការ។</translation>
    </message>
    <message>
        <source>The hub already knows this laptop with another key.</source>
        <translation>ម៉ាស៊ីនមេស្គាល់កុំព្យូទ័រនេះរួចហើយ ជាមួយសោផ្សេង។</translation>
    </message>
    <message>
        <source>That enrolment code is for another laptop. Ask the hub administrator for a code for this one.</source>
        <translation>កូដចុះបញ្ជីនោះសម្រាប់កុំព្យូទ័រផ្សេង។ សូមសួរអ្នកគ្រប់គ្រងម៉ាស៊ីនមេ ដើម្បីសុំកូដសម្រាប់កុំព្យូទ័រនេះ។</translation>
    </message>
    <message>
        <source>The hub did not accept this laptop&apos;s key.</source>
        <translation>ម៉ាស៊ីនមេមិនទទួលយកសោរបស់កុំព្យូទ័រនេះទេ។</translation>
    </message>
    <message>
        <source>The hub could not verify this laptop&apos;s signature on the batch.</source>
        <translation>ម៉ាស៊ីនមេមិនអាចផ្ទៀងផ្ទាត់ហត្ថលេខារបស់កុំព្យូទ័រនេះលើកញ្ចប់ទិន្នន័យបានទេ។</translation>
    </message>
    <message>
        <source>The hub already has a different batch with the same id.</source>
        <translation>ម៉ាស៊ីនមេមានកញ្ចប់ទិន្នន័យផ្សេងដែលមានលេខសម្គាល់ដូចគ្នារួចហើយ។</translation>
    </message>
    <message>
        <source>A message between this laptop and the hub was too large and was refused. Nothing was marked as sent.</source>
        <translation>សារមួយរវាងកុំព្យូទ័រនេះ និងម៉ាស៊ីនមេធំពេក ហើយត្រូវបានបដិសេធ។ គ្មានអ្វីត្រូវបានសម្គាល់ថាបានបញ្ជូនទេ។</translation>
    </message>
    <message>
        <source>The hub&apos;s receipt did not verify. Nothing was marked as sent.</source>
        <translation>មិនអាចផ្ទៀងផ្ទាត់បង្កាន់ដៃទទួលរបស់ម៉ាស៊ីនមេបានទេ។ គ្មានអ្វីត្រូវបានសម្គាល់ថាបានបញ្ជូនទេ។</translation>
    </message>
    <message>
        <source>The receipt was for another batch. Nothing was marked as sent.</source>
        <translation>បង្កាន់ដៃទទួលនេះសម្រាប់កញ្ចប់ទិន្នន័យផ្សេង។ គ្មានអ្វីត្រូវបានសម្គាល់ថាបានបញ្ជូនទេ។</translation>
    </message>
    <message>
        <source>The receipt could not be read. Nothing was marked as sent.</source>
        <translation>មិនអាចអានបង្កាន់ដៃទទួលបានទេ។ គ្មានអ្វីត្រូវបានសម្គាល់ថាបានបញ្ជូនទេ។</translation>
    </message>
    <message>
        <source>The receipt is for another laptop.</source>
        <translation>បង្កាន់ដៃទទួលនេះសម្រាប់កុំព្យូទ័រផ្សេង។</translation>
    </message>
    <message>
        <source>The receipt is for a batch this laptop did not send.</source>
        <translation>បង្កាន់ដៃទទួលនេះសម្រាប់កញ្ចប់ទិន្នន័យដែលកុំព្យូទ័រនេះមិនបានបញ្ជូន។</translation>
    </message>
    <message>
        <source>There are no FieldReg batch or receipt files in that folder.</source>
        <translation>គ្មានឯកសារកញ្ចប់ទិន្នន័យ ឬបង្កាន់ដៃទទួល FieldReg នៅក្នុងថតនោះទេ។</translation>
    </message>
    <message>
        <source>Not a regular file (a link, a folder or a device). It was left alone.</source>
        <translation>មិនមែនជាឯកសារធម្មតាទេ (តំណ ថត ឬឧបករណ៍)។ វាត្រូវបានទុកចោល។</translation>
    </message>
    <message>
        <source>The file is too large to be a FieldReg file. It was left alone.</source>
        <translation>ឯកសារនេះធំពេកសម្រាប់ជាឯកសារ FieldReg។ វាត្រូវបានទុកចោល។</translation>
    </message>
    <message>
        <source>The file could not be read. Was the USB stick removed?</source>
        <translation>មិនអាចអានឯកសារនេះបានទេ។ តើ USB ត្រូវបានដកចេញឬ?</translation>
    </message>
    <message>
        <source>The batch file is damaged.</source>
        <translation>ឯកសារកញ្ចប់ទិន្នន័យខូច។</translation>
    </message>
    <message>
        <source>That file is not a FieldReg batch.</source>
        <translation>ឯកសារនោះមិនមែនជាកញ្ចប់ទិន្នន័យ FieldReg ទេ។</translation>
    </message>
    <message>
        <source>The hub refused the request.</source>
        <translation>ម៉ាស៊ីនមេបានបដិសេធសំណើ។</translation>
    </message>
    <message>
        <source>Log in to the hub with a hub account first.</source>
        <translation>សូមចូលប្រើម៉ាស៊ីនមេ ដោយប្រើគណនីម៉ាស៊ីនមេជាមុនសិន។</translation>
    </message>
    <message>
        <source>This hub account may not do that: it needs an administrator.</source>
        <translation>គណនីម៉ាស៊ីនមេនេះមិនអាចធ្វើការនេះបានទេ៖ ត្រូវការគណនីអ្នកគ្រប់គ្រង។</translation>
    </message>
    <message>
        <source>Unknown hub account or wrong passphrase.</source>
        <translation>មិនស្គាល់គណនីម៉ាស៊ីនមេនេះ ឬពាក្យសម្ងាត់ខុស។</translation>
    </message>
    <message>
        <source>Too many wrong passphrases for this hub account. Please wait.</source>
        <translation>វាយពាក្យសម្ងាត់ខុសច្រើនដងពេកសម្រាប់គណនីម៉ាស៊ីនមេនេះ។ សូមរង់ចាំបន្តិច។</translation>
    </message>
    <message>
        <source>The hub already has an account with that name.</source>
        <translation>ម៉ាស៊ីនមេមានគណនីដែលមានឈ្មោះនេះរួចហើយ។</translation>
    </message>
    <message>
        <source>The hub has no account with that name.</source>
        <translation>ម៉ាស៊ីនមេគ្មានគណនីដែលមានឈ្មោះនេះទេ។</translation>
    </message>
    <message>
        <source>This hub account is disabled.</source>
        <translation>គណនីម៉ាស៊ីនមេនេះត្រូវបានបិទ។</translation>
    </message>
    <message>
        <source>The hub refused this registration: another laptop sent a registration with the same id first. Ask the campaign&apos;s hub administrator.</source>
        <translation>ម៉ាស៊ីនមេបានបដិសេធការចុះឈ្មោះនេះ៖ កុំព្យូទ័រផ្សេងទៀតបានផ្ញើការចុះឈ្មោះដែលមានលេខសម្គាល់ដូចគ្នាមុន។ សូមសួរអ្នកគ្រប់គ្រងម៉ាស៊ីនមេរបស់យុទ្ធនាការ។</translation>
    </message>
    <message>
        <source>Sending stopped on an unexpected error. Registrations stay safe on this laptop; it will try again by itself.</source>
        <translation>ការបញ្ជូនបានឈប់ដោយសារបញ្ហាមិនបានរំពឹងទុក។ ការចុះឈ្មោះនៅតែមានសុវត្ថិភាពនៅលើកុំព្យូទ័រនេះ ហើយវានឹងព្យាយាមម្តងទៀតដោយខ្លួនឯង។</translation>
    </message>
    <message>
        <source>The hub refused the request ({code}).</source>
        <translation>ម៉ាស៊ីនមេបានបដិសេធសំណើ ({code})។</translation>
    </message>
</context>
<context>
    <name>SyncIndicator</name>
    <message>
        <source>Not connected to a hub</source>
        <translation>មិនទាន់ភ្ជាប់ទៅម៉ាស៊ីនមេ</translation>
    </message>
    <message numerus="yes">
        <source>%n registration(s) kept on this laptop</source>
        <translation>
            <numerusform>ការចុះឈ្មោះ %n រក្សាទុកនៅលើកុំព្យូទ័រនេះ</numerusform>
            <numerusform>ការចុះឈ្មោះ %n រក្សាទុកនៅលើកុំព្យូទ័រនេះ</numerusform>
        </translation>
    </message>
    <message>
        <source>Online</source>
        <translation>មានបណ្តាញ</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>ក្រៅបណ្តាញ</translation>
    </message>
    <message>
        <source>Sending {sent} of {total}</source>
        <translation>កំពុងបញ្ជូន {sent} ក្នុងចំណោម {total}</translation>
    </message>
    <message>
        <source>Sending...</source>
        <translation>កំពុងបញ្ជូន...</translation>
    </message>
    <message numerus="yes">
        <source>%n waiting</source>
        <translation>
            <numerusform>%n កំពុងរង់ចាំ</numerusform>
            <numerusform>%n កំពុងរង់ចាំ</numerusform>
        </translation>
    </message>
    <message>
        <source>last sync {when}</source>
        <translation>បញ្ជូនចុងក្រោយ {when}</translation>
    </message>
    <message>
        <source>last try failed; it will retry by itself</source>
        <translation>ការបញ្ជូនចុងក្រោយបរាជ័យ ប្រព័ន្ធនឹងព្យាយាមម្តងទៀតដោយស្វ័យប្រវត្តិ</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>បញ្ជូនឥឡូវនេះ</translation>
    </message>
</context>
<context>
    <name>SyncLogModel</name>
    <message>
        <source>{ms} ms</source>
        <translation>{ms} ms</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} វិនាទី</translation>
    </message>
</context>
<context>
    <name>SyncLogScreen</name>
    <message>
        <source>Loading...</source>
        <translation>កំពុងផ្ទុក...</translation>
    </message>
    <message>
        <source>Batch {batch}: {outcome}</source>
        <translation>កញ្ចប់ {batch}៖ {outcome}</translation>
    </message>
    <message>
        <source>No sync attempts yet.</source>
        <translation>មិនទាន់មានការបញ្ជូននៅឡើយទេ។</translation>
    </message>
    <message numerus="yes">
        <source>%n attempt(s) shown</source>
        <translation>
            <numerusform>បង្ហាញការបញ្ជូនចំនួន %n</numerusform>
            <numerusform>បង្ហាញការបញ្ជូនចំនួន %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n in all</source>
        <translation>
            <numerusform>សរុប %n</numerusform>
            <numerusform>សរុប %n</numerusform>
        </translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>ឯកសារ CSV (*.csv)</translation>
    </message>
    <message>
        <source>JSON lines (*.jsonl *.json)</source>
        <translation>ឯកសារ JSON lines (*.jsonl *.json)</translation>
    </message>
    <message>
        <source>Export the sync log</source>
        <translation>នាំចេញកំណត់ហេតុបញ្ជូន</translation>
    </message>
    <message>
        <source>Writing {file}...</source>
        <translation>កំពុងសរសេរ {file}...</translation>
    </message>
    <message numerus="yes">
        <source>%n sync attempt(s) written to {path}</source>
        <translation>
            <numerusform>បានសរសេរការបញ្ជូនចំនួន %n ទៅ {path}</numerusform>
            <numerusform>បានសរសេរការបញ្ជូនចំនួន %n ទៅ {path}</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing was exported: {reason}</source>
        <translation>មិនបាននាំចេញអ្វីទេ៖ {reason}</translation>
    </message>
    <message>
        <source>Sync log</source>
        <translation>កំណត់ហេតុបញ្ជូន</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>បញ្ជូនឥឡូវនេះ</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>ផ្ទុកឡើងវិញ</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>លទ្ធផល</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>ចន្លោះពេល</translation>
    </message>
    <message>
        <source>Route</source>
        <translation>មធ្យោបាយ</translation>
    </message>
    <message>
        <source>All routes</source>
        <translation>គ្រប់មធ្យោបាយ</translation>
    </message>
    <message>
        <source>All outcomes</source>
        <translation>គ្រប់លទ្ធផល</translation>
    </message>
    <message>
        <source>All time</source>
        <translation>គ្រប់ពេល</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>ថ្ងៃនេះ</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>៧ ថ្ងៃចុងក្រោយ</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>៣០ ថ្ងៃចុងក្រោយ</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>ចាប់ផ្តើម</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>បានទទួលរួច</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>កញ្ចប់</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>ទទួលយក</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>បដិសេធ</translation>
    </message>
    <message>
        <source>Sent / received</source>
        <translation>បញ្ជូន / ទទួល</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>ថិរវេលា</translation>
    </message>
    <message>
        <source>Export CSV</source>
        <translation>នាំចេញ CSV</translation>
    </message>
    <message>
        <source>Export JSON</source>
        <translation>នាំចេញ JSON</translation>
    </message>
    <message>
        <source>Exports the attempts shown, with the filters applied</source>
        <translation>នាំចេញការបញ្ជូនដែលកំពុងបង្ហាញ តាមតម្រងដែលបានជ្រើសរើស</translation>
    </message>
</context>
</TS>
