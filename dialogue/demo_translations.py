"""Arabic (and a few English) versions of the demo's texts, so that the texts in several
languages (dialogue/bilingual.py) show in the demo: the French text -> its versions (an
empty "fr" leaves the French out). Texts not listed here stay in French only."""

from __future__ import annotations

from typing import Any

from dialogue import bilingual

VERSIONS: dict[str, dict[str, str]] = {
    # Meetings
    "Session plénière ordinaire": {"ar": "الجلسة العامة العادية", "en": "Ordinary plenary session"},
    "Session plénière ordinaire – salaire minimum et normes": {
        "ar": "الجلسة العامة العادية – الأجر الأدنى ومعايير العمل",
        "en": "Ordinary plenary session – minimum wage and standards",
    },
    "Session plénière ordinaire – inspection du travail et protection sociale": {
        "ar": "الجلسة العامة العادية – تفقدية الشغل والحماية الاجتماعية"
    },
    "Commission migration – recrutement équitable": {"ar": "لجنة الهجرة – الانتداب العادل"},
    "Commission migration – académie des attachés sociaux (deuxième édition)": {
        "ar": "لجنة الهجرة – أكاديمية الملحقين الاجتماعيين (الدورة الثانية)"
    },
    "Commission migration – statistiques et agences de placement": {"ar": "لجنة الهجرة – الإحصائيات ووكالات التوظيف"},
    "Commission protection sociale – conventions de sécurité sociale": {
        "ar": "لجنة الحماية الاجتماعية – اتفاقيات الضمان الاجتماعي"
    },
    "Commission protection sociale – travailleurs saisonniers": {"ar": "لجنة الحماية الاجتماعية – العمال الموسميون"},
    "Commission protection sociale – bilan du régime pilote": {"ar": "لجنة الحماية الاجتماعية – حصيلة النظام النموذجي"},
    "Réunion bilatérale gouvernement–UGTT: portabilité des droits": {
        "ar": "اجتماع ثنائي بين الحكومة والاتحاد العام التونسي للشغل: قابلية نقل الحقوق"
    },
    # Agenda items and their descriptions
    "Adoption de l'ordre du jour": {"ar": "المصادقة على جدول الأعمال", "en": "Adoption of the agenda"},
    "Suivi des engagements des réunions précédentes": {"ar": "متابعة تعهدات الاجتماعات السابقة"},
    "Point des engagements ouverts (suivi des engagements).": {"ar": "استعراض التعهدات الجارية (متابعة التعهدات)."},
    "Questions diverses": {"ar": "مسائل مختلفة", "en": "Any other business"},
    "Révision annuelle du salaire minimum": {"ar": "المراجعة السنوية للأجر الأدنى"},
    "Salaire minimum: nouveau scénario de révision": {"ar": "الأجر الأدنى: سيناريو جديد للمراجعة"},
    "Soumission aux autorités compétentes des instruments adoptés par la dernière session de la CIT": {
        "ar": "عرض الصكوك التي اعتمدتها الدورة الأخيرة لمؤتمر العمل الدولي على السلطات المختصة"
    },
    "Rapport art. 22 sur la convention n° 122 (politique de l'emploi)": {
        "ar": "تقرير المادة 22 بشأن الاتفاقية رقم 122 (سياسة التشغيل)"
    },
    "Recrutement équitable: agrément des agences privées de placement": {
        "ar": "الانتداب العادل: ترخيص وكالات التوظيف الخاصة"
    },
    "Tableau de bord statistique de la migration de main-d'œuvre: version publique": {
        "ar": "لوحة القيادة الإحصائية لهجرة اليد العاملة: النسخة العمومية"
    },
    "Deuxième édition de l'académie des attachés sociaux": {"ar": "الدورة الثانية لأكاديمية الملحقين الاجتماعيين"},
    "Cahier des charges révisé des agences privées de placement": {"ar": "كراس الشروط المنقح لوكالات التوظيف الخاصة"},
    "Travailleurs agricoles saisonniers: régime pilote": {"ar": "العمال الفلاحيون الموسميون: النظام النموذجي"},
    "Conventions bilatérales de sécurité sociale: état d'avancement": {
        "ar": "الاتفاقيات الثنائية للضمان الاجتماعي: مدى التقدم"
    },
    "Portabilité des droits à la retraite des travailleurs migrants": {
        "ar": "قابلية نقل حقوق التقاعد للعمال المهاجرين"
    },
    # Outcomes
    "Le secrétariat a présenté l'état des engagements; les parties ont fait le point sur les retards.": {
        "ar": "قدمت الكتابة القارة وضعية التعهدات، واستعرضت الأطراف أسباب التأخير."
    },
    "Pas d'accord; un nouveau scénario chiffré sera présenté à la prochaine plénière.": {
        "ar": "لم يحصل اتفاق؛ سيُقدَّم سيناريو جديد مرقّم في الجلسة العامة القادمة."
    },
    "Soumission approuvée.": {"ar": "تمت الموافقة على العرض."},
    "Le rapport sera complété avec les données régionales.": {"ar": "سيُستكمل التقرير بالبيانات الجهوية."},
    "Publication du tableau de bord approuvée.": {"ar": "تمت الموافقة على نشر لوحة القيادة."},
    "Pas d'accord; le MEFP présentera un cahier des charges révisé.": {
        "ar": "لم يحصل اتفاق؛ ستقدم وزارة التشغيل والتكوين المهني كراس شروط منقحًا."
    },
    "Deuxième édition approuvée.": {"ar": "تمت الموافقة على الدورة الثانية."},
    "Phase pilote à Jendouba et Sidi Bouzid, évaluée au bout d'un an.": {
        "ar": "مرحلة نموذجية في جندوبة وسيدي بوزيد، تُقيَّم بعد سنة."
    },
    "La commission prend acte.": {"ar": "أخذت اللجنة علمًا بذلك."},
    # Commitments
    "Présenter un nouveau scénario chiffré de révision du salaire minimum": {
        "ar": "تقديم سيناريو جديد مرقّم لمراجعة الأجر الأدنى"
    },
    "Transmettre la proposition chiffrée de l'UGTT": {"ar": "إحالة المقترح المرقّم للاتحاد العام التونسي للشغل"},
    "Saisir les autorités compétentes des instruments adoptés par la CIT": {
        "ar": "عرض الصكوك التي اعتمدها مؤتمر العمل الدولي على السلطات المختصة"
    },
    "Fournir les données régionales sur l'emploi pour le rapport C122": {
        "ar": "توفير البيانات الجهوية حول التشغيل لتقرير الاتفاقية رقم 122"
    },
    "Publier le tableau de bord statistique en ligne": {"ar": "نشر لوحة القيادة الإحصائية على الإنترنت"},
    "Former les points focaux régionaux à la collecte des données": {
        "ar": "تكوين نقاط الاتصال الجهوية في مجال جمع البيانات"
    },
    "Proposer un cahier des charges révisé des agences privées de placement": {
        "ar": "اقتراح كراس شروط منقح لوكالات التوظيف الخاصة"
    },
    "Publier l'appel à candidatures de la deuxième édition": {"ar": "نشر طلب الترشحات للدورة الثانية"},
    "Recenser les conventions bilatérales de sécurité sociale à actualiser": {
        "ar": "حصر الاتفاقيات الثنائية للضمان الاجتماعي التي تتطلب التحيين"
    },
    "Préparer le texte du régime pilote (Jendouba et Sidi Bouzid)": {
        "ar": "إعداد نص النظام النموذجي (جندوبة وسيدي بوزيد)"
    },
    "Informer les travailleurs saisonniers du régime pilote": {"ar": "إعلام العمال الموسميين بالنظام النموذجي"},
    "Identifier les exploitations pilotes à Jendouba et Sidi Bouzid": {
        "ar": "تحديد الاستغلاليات النموذجية في جندوبة وسيدي بوزيد"
    },
    # Written in Arabic only (its French text is left out): a French reader sees it marked.
    "Transmettre les cas signalés de travailleurs migrants sans couverture": {
        "fr": "",
        "ar": "إحالة الحالات المبلَّغ عنها لعمال مهاجرين دون تغطية اجتماعية",
    },
    "Préparer le décret de révision du SMIG et du SMAG": {
        "ar": "إعداد الأمر المتعلق بمراجعة الأجر الأدنى المضمون لمختلف المهن والأجر الأدنى الفلاحي المضمون"
    },
    # The minutes' narratives
    "La séance est ouverte par la présidence, qui souhaite la bienvenue aux membres.": {
        "ar": "افتتحت الرئاسة الجلسة ورحّبت بالأعضاء."
    },
    "L'ordre du jour étant épuisé, la séance est levée.": {"ar": "وبعد استيفاء جدول الأعمال، رُفعت الجلسة."},
}


def translate(record: Any, *fields: str) -> None:
    """Give each of `fields` of `record` its French text and the versions listed above."""
    for field in fields:
        french = getattr(record, field) or ""
        bilingual.set_versions(record, field, {"fr": french, **VERSIONS.get(french, {})})
