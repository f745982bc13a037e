"""The association's board-approved policy («سياسة تنظيم العلاقة مع المستفيدين»): versions, sections, board
approval, the policy in force and its decision window (``services``), the screens at /policy/ (``views``,
``urls``: names ``policy:*``), import of .txt/.docx/.pdf policies (``importing``) and the published PDF
(``documents``). Its models belong to the ``association`` app (``association.models`` imports them)."""
