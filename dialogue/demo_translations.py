"""Arabic (and a few English) versions of the demo's texts, so that the texts in several
languages (dialogue/bilingual.py) show in the demo: the French text -> its version in each
language. Texts not listed here stay in French only."""

from __future__ import annotations

from typing import Any

from dialogue import bilingual

ARABIC: dict[str, str] = {
    # Meetings
    "Session plénière ordinaire": "الجلسة العامة العادية",
    "Session plénière ordinaire – salaire minimum et normes": "الجلسة العامة العادية – الأجر الأدنى ومعايير العمل",
    "Session plénière ordinaire – inspection du travail et protection sociale": "الجلسة العامة العادية – تفقدية الشغل والحماية الاجتماعية",
    "Commission migration – recrutement équitable": "لجنة الهجرة – الانتداب العادل",
    "Commission migration – académie des attachés sociaux (deuxième édition)": "لجنة الهجرة – أكاديمية الملحقين الاجتماعيين (الدورة الثانية)",
    "Commission migration – statistiques et agences de placement": "لجنة الهجرة – الإحصائيات ووكالات التوظيف",
    "Commission protection sociale – conventions de sécurité sociale": "لجنة الحماية الاجتماعية – اتفاقيات الضمان الاجتماعي",
    "Commission protection sociale – travailleurs saisonniers": "لجنة الحماية الاجتماعية – العمال الموسميون",
    "Commission protection sociale – bilan du régime pilote": "لجنة الحماية الاجتماعية – حصيلة النظام النموذجي",
    "Réunion bilatérale gouvernement–UGTT: portabilité des droits": "اجتماع ثنائي بين الحكومة والاتحاد العام التونسي للشغل: قابلية نقل الحقوق",
    # The AMEM closing workshop, its agenda and outcomes
    "Atelier de clôture du projet AMEM": "الورشة الختامية لمشروع تحسين حوكمة هجرة اليد العاملة (AMEM)",
    "Bilan du projet et présentation des acquis de la dynamique tripartite sur la migration de main-d'œuvre.": "حصيلة المشروع وعرض مكتسبات الديناميكية الثلاثية في مجال هجرة اليد العاملة.",
    "Bilan du projet AMEM (2019–2022)": "حصيلة مشروع AMEM للفترة 2019–2022",
    "Acquis de la dynamique tripartite sur la migration de main-d'œuvre": "مكتسبات الديناميكية الثلاثية في مجال هجرة اليد العاملة",
    "Perspectives: une deuxième phase": "الآفاق: مرحلة ثانية",
    "Le bilan est présenté: cadre juridique de la migration de main-d'œuvre analysé, attachés sociaux formés, campagne d'information menée avec les partenaires sociaux.": "قُدّمت الحصيلة: تحليل الإطار القانوني لهجرة اليد العاملة، وتكوين الملحقين الاجتماعيين، وحملة توعوية أُنجزت مع الشركاء الاجتماعيين.",
    "Les trois parties conviennent de poursuivre au sein du Conseil national du dialogue social les travaux de la commission tripartite sur la migration de main-d'œuvre.": "تتفق الأطراف الثلاثة على مواصلة أشغال اللجنة الثلاثية حول هجرة اليد العاملة صلب المجلس الوطني للحوار الاجتماعي.",
    "L'OIT et l'AICS présentent les pistes d'une deuxième phase, à préciser avec les mandants.": "تعرض منظمة العمل الدولية والوكالة الإيطالية للتعاون الإنمائي توجهات مرحلة ثانية تُضبط مع الأطراف المكوِّنة.",
    # Agenda items and their descriptions
    "Adoption de l'ordre du jour": "المصادقة على جدول الأعمال",
    "Suivi des engagements des réunions précédentes": "متابعة تعهدات الاجتماعات السابقة",
    "Point des engagements ouverts (suivi des engagements).": "استعراض التعهدات الجارية (متابعة التعهدات).",
    "Questions diverses": "مسائل مختلفة",
    "Révision annuelle du salaire minimum": "المراجعة السنوية للأجر الأدنى",
    "Salaire minimum: nouveau scénario de révision": "الأجر الأدنى: سيناريو جديد للمراجعة",
    "Soumission aux autorités compétentes des instruments adoptés par la dernière session de la CIT": "عرض الصكوك التي اعتمدتها الدورة الأخيرة لمؤتمر العمل الدولي على السلطات المختصة",
    "Rapport art. 22 sur la convention n° 122 (politique de l'emploi)": "تقرير المادة 22 بشأن الاتفاقية رقم 122 (سياسة التشغيل)",
    "Recrutement équitable: agrément des agences privées de placement": "الانتداب العادل: ترخيص وكالات التوظيف الخاصة",
    "Tableau de bord statistique de la migration de main-d'œuvre: version publique": "لوحة القيادة الإحصائية لهجرة اليد العاملة: النسخة العمومية",
    "Deuxième édition de l'académie des attachés sociaux": "الدورة الثانية لأكاديمية الملحقين الاجتماعيين",
    "Cahier des charges révisé des agences privées de placement": "كراس الشروط المنقح لوكالات التوظيف الخاصة",
    "Travailleurs agricoles saisonniers: régime pilote": "العمال الفلاحيون الموسميون: النظام النموذجي",
    "Conventions bilatérales de sécurité sociale: état d'avancement": "الاتفاقيات الثنائية للضمان الاجتماعي: مدى التقدم",
    "Portabilité des droits à la retraite des travailleurs migrants": "قابلية نقل حقوق التقاعد للعمال المهاجرين",
    # Outcomes
    "Le secrétariat a présenté l'état des engagements; les parties ont fait le point sur les retards.": "قدمت الكتابة القارة وضعية التعهدات، واستعرضت الأطراف أسباب التأخير.",
    "Pas d'accord; un nouveau scénario chiffré sera présenté à la prochaine plénière.": "لم يحصل اتفاق؛ سيُقدَّم سيناريو جديد مرقّم في الجلسة العامة القادمة.",
    "Soumission approuvée.": "تمت الموافقة على العرض.",
    "Le rapport sera complété avec les données régionales.": "سيُستكمل التقرير بالبيانات الجهوية.",
    "Publication du tableau de bord approuvée.": "تمت الموافقة على نشر لوحة القيادة.",
    "Pas d'accord; le MEFP présentera un cahier des charges révisé.": "لم يحصل اتفاق؛ ستقدم وزارة التشغيل والتكوين المهني كراس شروط منقحًا.",
    "Deuxième édition approuvée.": "تمت الموافقة على الدورة الثانية.",
    "Phase pilote à Jendouba et Sidi Bouzid, évaluée au bout d'un an.": "مرحلة نموذجية في جندوبة وسيدي بوزيد، تُقيَّم بعد سنة.",
    "La commission prend acte.": "أخذت اللجنة علمًا بذلك.",
    # Commitments
    "Présenter un nouveau scénario chiffré de révision du salaire minimum": "تقديم سيناريو جديد مرقّم لمراجعة الأجر الأدنى",
    "Transmettre la proposition chiffrée de l'UGTT": "إحالة المقترح المرقّم للاتحاد العام التونسي للشغل",
    "Saisir les autorités compétentes des instruments adoptés par la CIT": "عرض الصكوك التي اعتمدها مؤتمر العمل الدولي على السلطات المختصة",
    "Fournir les données régionales sur l'emploi pour le rapport C122": "توفير البيانات الجهوية حول التشغيل لتقرير الاتفاقية رقم 122",
    "Publier le tableau de bord statistique en ligne": "نشر لوحة القيادة الإحصائية على الإنترنت",
    "Former les points focaux régionaux à la collecte des données": "تكوين نقاط الاتصال الجهوية في مجال جمع البيانات",
    "Proposer un cahier des charges révisé des agences privées de placement": "اقتراح كراس شروط منقح لوكالات التوظيف الخاصة",
    "Publier l'appel à candidatures de la deuxième édition": "نشر طلب الترشحات للدورة الثانية",
    "Recenser les conventions bilatérales de sécurité sociale à actualiser": "حصر الاتفاقيات الثنائية للضمان الاجتماعي التي تتطلب التحيين",
    "Préparer le texte du régime pilote (Jendouba et Sidi Bouzid)": "إعداد نص النظام النموذجي (جندوبة وسيدي بوزيد)",
    "Informer les travailleurs saisonniers du régime pilote": "إعلام العمال الموسميين بالنظام النموذجي",
    "Identifier les exploitations pilotes à Jendouba et Sidi Bouzid": "تحديد الاستغلاليات النموذجية في جندوبة وسيدي بوزيد",
    "Transmettre les cas signalés de travailleurs migrants sans couverture": "إحالة الحالات المبلَّغ عنها لعمال مهاجرين دون تغطية اجتماعية",
    "Préparer le décret de révision du SMIG et du SMAG": "إعداد الأمر المتعلق بمراجعة الأجر الأدنى المضمون لمختلف المهن والأجر الأدنى الفلاحي المضمون",
    # The minutes' narratives
    "La séance est ouverte par la présidence, qui souhaite la bienvenue aux membres.": "افتتحت الرئاسة الجلسة ورحّبت بالأعضاء.",
    "L'ordre du jour étant épuisé, la séance est levée.": "وبعد استيفاء جدول الأعمال، رُفعت الجلسة.",
}

ENGLISH: dict[str, str] = {
    "Session plénière ordinaire": "Ordinary plenary session",
    "Session plénière ordinaire – salaire minimum et normes": "Ordinary plenary session – minimum wage and standards",
    "Atelier de clôture du projet AMEM": "AMEM project closing workshop",
    "Bilan du projet AMEM (2019–2022)": "AMEM project review (2019–2022)",
    "Perspectives: une deuxième phase": "Outlook: a second phase",
    "Adoption de l'ordre du jour": "Adoption of the agenda",
    "Questions diverses": "Any other business",
}

# Written in Arabic only (their French text is left out): a French reader sees them marked.
ARABIC_ONLY = frozenset({"Transmettre les cas signalés de travailleurs migrants sans couverture"})


def versions(french: str) -> dict[str, str]:
    """The versions of a French text of the demo (language -> text)."""
    found = {"fr": "" if french in ARABIC_ONLY else french}
    for language, table in (("ar", ARABIC), ("en", ENGLISH)):
        if french in table:
            found[language] = table[french]
    return found


def translate(record: Any, *fields: str) -> None:
    """Give each of `fields` of `record` its French text and the versions listed above."""
    for field in fields:
        bilingual.set_versions(record, field, versions(getattr(record, field) or ""))
