//! Names, places and phrases the demo and the simulator draw from.
//!
//! The people an agency serves come from a handful of countries; an agent may
//! write a name in its own script (Arabic, Persian, Cyrillic) or in a French
//! spelling, and the same person is sometimes recorded both ways. The tables
//! keep both spellings where they exist so that the demo shows it.

use relais_schema::MigrationStatus;

/// A name with its French spelling and, when agents write it so, its spelling
/// in the person's own script.
#[derive(Debug, Clone, Copy)]
pub struct Spelling {
    /// As written in French documents.
    pub french: &'static str,
    /// In the person's script (Arabic, Persian, Cyrillic), if agents use it.
    pub native: Option<&'static str>,
}

const fn both(french: &'static str, native: &'static str) -> Spelling {
    Spelling {
        french,
        native: Some(native),
    }
}

const fn fr(french: &'static str) -> Spelling {
    Spelling { french, native: None }
}

/// Where people come from, with the names and languages found there.
#[derive(Debug)]
pub struct Origin {
    /// ISO 3166-1 alpha-2 nationality.
    pub country: &'static str,
    /// How often the agency meets people from there (relative weight).
    pub weight: u32,
    /// ISO 639-1 languages spoken: the first always, the others sometimes.
    pub languages: &'static [&'static str],
    /// Migration statuses with relative weights.
    pub statuses: &'static [(MigrationStatus, u32)],
    /// Women's given names.
    pub female: &'static [Spelling],
    /// Men's given names.
    pub male: &'static [Spelling],
    /// Family names.
    pub family: &'static [Spelling],
    /// International dialling prefix, for the few who keep a home number.
    pub dialling: &'static str,
}

use MigrationStatus::{AsylumSeeker, Migrant, Other, Refugee, Undisclosed};

/// Every origin the demo draws from.
pub const ORIGINS: &[Origin] = &[
    Origin {
        country: "SY",
        weight: 14,
        languages: &["ar", "ku", "en", "fr"],
        statuses: &[(Refugee, 8), (AsylumSeeker, 3), (Undisclosed, 1)],
        female: &[
            both("Fatima", "فاطمة"),
            both("Rania", "رانيا"),
            both("Lina", "لينا"),
            both("Nour", "نور"),
            both("Hala", "هالة"),
            both("Rasha", "رشا"),
            both("Yasmine", "ياسمين"),
        ],
        male: &[
            both("Mohammad", "محمد"),
            both("Ahmad", "أحمد"),
            both("Omar", "عمر"),
            both("Khaled", "خالد"),
            both("Rami", "رامي"),
            both("Bassel", "باسل"),
            both("Ammar", "عمار"),
        ],
        family: &[
            both("Al-Hassan", "الحسن"),
            both("Haddad", "حداد"),
            both("Al-Khatib", "الخطيب"),
            both("Darwish", "درويش"),
            both("Mansour", "منصور"),
            both("Al-Halabi", "الحلبي"),
            both("Kassem", "قاسم"),
        ],
        dialling: "+963",
    },
    Origin {
        country: "SD",
        weight: 12,
        languages: &["ar", "en"],
        statuses: &[(AsylumSeeker, 6), (Refugee, 5), (Undisclosed, 1)],
        female: &[
            both("Amna", "آمنة"),
            both("Mariam", "مريم"),
            both("Hawa", "حواء"),
            both("Safaa", "صفاء"),
            both("Sara", "سارة"),
            both("Insaf", "إنصاف"),
        ],
        male: &[
            both("Abdelrahman", "عبد الرحمن"),
            both("Mohamed", "محمد"),
            both("Osman", "عثمان"),
            both("Ibrahim", "إبراهيم"),
            both("Hamid", "حامد"),
            both("Adam", "آدم"),
            both("Moutassim", "معتصم"),
        ],
        family: &[
            both("Abakar", "أبكر"),
            both("Ishag", "إسحاق"),
            both("Yahya", "يحيى"),
            both("Elnour", "النور"),
            both("Abdallah", "عبد الله"),
            both("Suleiman", "سليمان"),
            both("Hassan", "حسن"),
        ],
        dialling: "+249",
    },
    Origin {
        country: "AF",
        weight: 14,
        languages: &["fa", "ps", "en"],
        statuses: &[(Refugee, 7), (AsylumSeeker, 5), (Undisclosed, 1)],
        female: &[
            both("Zahra", "زهرا"),
            both("Fereshta", "فرشته"),
            both("Maryam", "مریم"),
            both("Parwana", "پروانه"),
            both("Shabnam", "شبنم"),
            both("Mursal", "مرسل"),
        ],
        male: &[
            both("Farid", "فرید"),
            both("Jawad", "جواد"),
            both("Nasir", "ناصر"),
            both("Hamid", "حمید"),
            both("Ahmad Shah", "احمد شاه"),
            both("Wahid", "وحید"),
            both("Sayed", "سید"),
        ],
        family: &[
            both("Ahmadi", "احمدی"),
            both("Rahimi", "رحیمی"),
            both("Hosseini", "حسینی"),
            both("Karimi", "کریمی"),
            both("Popal", "پوپل"),
            both("Safi", "صافی"),
            both("Noori", "نوری"),
        ],
        dialling: "+93",
    },
    Origin {
        country: "ML",
        weight: 10,
        languages: &["bm", "fr", "ff"],
        statuses: &[(AsylumSeeker, 5), (Migrant, 4), (Undisclosed, 1)],
        female: &[
            fr("Aminata"),
            fr("Fatoumata"),
            fr("Kadiatou"),
            fr("Awa"),
            fr("Oumou"),
            fr("Assitan"),
        ],
        male: &[
            fr("Moussa"),
            fr("Mamadou"),
            fr("Bakary"),
            fr("Seydou"),
            fr("Adama"),
            fr("Boubacar"),
            fr("Souleymane"),
        ],
        family: &[
            fr("Traoré"),
            fr("Keïta"),
            fr("Coulibaly"),
            fr("Diarra"),
            fr("Konaté"),
            fr("Sissoko"),
            fr("Touré"),
            fr("Dembélé"),
        ],
        dialling: "+223",
    },
    Origin {
        country: "GN",
        weight: 10,
        languages: &["ff", "fr"],
        statuses: &[(AsylumSeeker, 6), (Migrant, 3), (Refugee, 1)],
        female: &[
            fr("Mariama"),
            fr("Kadiatou"),
            fr("Hadja"),
            fr("Fanta"),
            fr("Aïssatou"),
            fr("Binta"),
        ],
        male: &[
            fr("Alpha"),
            fr("Ibrahima"),
            fr("Ousmane"),
            fr("Thierno"),
            fr("Mamadou Saliou"),
            fr("Sékou"),
            fr("Abdoulaye"),
        ],
        family: &[
            fr("Diallo"),
            fr("Bah"),
            fr("Barry"),
            fr("Camara"),
            fr("Sow"),
            fr("Condé"),
            fr("Soumah"),
            fr("Baldé"),
        ],
        dialling: "+224",
    },
    Origin {
        country: "ER",
        weight: 8,
        languages: &["ti", "ar", "en"],
        statuses: &[(Refugee, 7), (AsylumSeeker, 3)],
        female: &[
            fr("Senait"),
            fr("Helen"),
            fr("Selam"),
            fr("Ruta"),
            fr("Almaz"),
            fr("Freweini"),
            fr("Yordanos"),
        ],
        male: &[
            fr("Tesfay"),
            fr("Yonas"),
            fr("Berhane"),
            fr("Samuel"),
            fr("Filmon"),
            fr("Mehari"),
            fr("Dawit"),
        ],
        family: &[
            fr("Tesfamariam"),
            fr("Ghebremedhin"),
            fr("Habte"),
            fr("Kidane"),
            fr("Woldu"),
            fr("Tekle"),
            fr("Andemariam"),
        ],
        dialling: "+291",
    },
    Origin {
        country: "UA",
        weight: 10,
        languages: &["uk", "ru", "en"],
        statuses: &[(Other, 8), (Refugee, 1), (Undisclosed, 1)],
        female: &[
            both("Olena", "Олена"),
            both("Iryna", "Ірина"),
            both("Nataliia", "Наталія"),
            both("Oksana", "Оксана"),
            both("Tetiana", "Тетяна"),
            both("Kateryna", "Катерина"),
        ],
        male: &[
            both("Oleksandr", "Олександр"),
            both("Andrii", "Андрій"),
            both("Dmytro", "Дмитро"),
            both("Serhii", "Сергій"),
            both("Mykola", "Микола"),
            both("Vasyl", "Василь"),
        ],
        family: &[
            both("Shevchenko", "Шевченко"),
            both("Kovalenko", "Коваленко"),
            both("Bondarenko", "Бондаренко"),
            both("Tkachenko", "Ткаченко"),
            both("Kravchenko", "Кравченко"),
            both("Melnyk", "Мельник"),
            both("Boiko", "Бойко"),
        ],
        dialling: "+380",
    },
    Origin {
        country: "MA",
        weight: 8,
        languages: &["ar", "fr"],
        statuses: &[(Migrant, 8), (Undisclosed, 1)],
        female: &[
            both("Khadija", "خديجة"),
            both("Salma", "سلمى"),
            both("Imane", "إيمان"),
            both("Nadia", "نادية"),
            both("Samira", "سميرة"),
            both("Fatima-Zahra", "فاطمة الزهراء"),
        ],
        male: &[
            both("Youssef", "يوسف"),
            both("Hamza", "حمزة"),
            both("Mehdi", "مهدي"),
            both("Saïd", "سعيد"),
            both("Rachid", "رشيد"),
            both("Karim", "كريم"),
        ],
        family: &[
            both("El Amrani", "العمراني"),
            both("Benali", "بن علي"),
            both("Bennani", "بناني"),
            both("El Idrissi", "الإدريسي"),
            both("Tazi", "التازي"),
            both("Alaoui", "العلوي"),
            both("Ouazzani", "الوزاني"),
        ],
        dialling: "+212",
    },
    Origin {
        country: "DZ",
        weight: 4,
        languages: &["ar", "fr"],
        statuses: &[(Migrant, 6), (AsylumSeeker, 1), (Undisclosed, 1)],
        female: &[
            both("Amel", "أمال"),
            both("Meriem", "مريم"),
            both("Sonia", "سونيا"),
            both("Lynda", "ليندة"),
        ],
        male: &[
            both("Sofiane", "سفيان"),
            both("Yacine", "ياسين"),
            both("Bilal", "بلال"),
            both("Walid", "وليد"),
        ],
        family: &[
            both("Benaïssa", "بن عيسى"),
            both("Cherif", "شريف"),
            both("Mebarki", "مباركي"),
            both("Belkacem", "بلقاسم"),
        ],
        dialling: "+213",
    },
    Origin {
        country: "SO",
        weight: 4,
        languages: &["so", "ar", "en"],
        statuses: &[(Refugee, 4), (AsylumSeeker, 3)],
        female: &[fr("Hodan"), fr("Ifrah"), fr("Sahra"), fr("Fadumo"), fr("Hawo")],
        male: &[fr("Abdi"), fr("Mohamed"), fr("Abdirahman"), fr("Liban"), fr("Yusuf")],
        family: &[fr("Warsame"), fr("Farah"), fr("Jama"), fr("Osman"), fr("Abdullahi")],
        dialling: "+252",
    },
    Origin {
        country: "SN",
        weight: 4,
        languages: &["wo", "fr", "ff"],
        statuses: &[(Migrant, 5), (AsylumSeeker, 1)],
        female: &[fr("Fatou"), fr("Ndeye"), fr("Astou"), fr("Khady")],
        male: &[fr("Cheikh"), fr("Modou"), fr("Ousmane"), fr("Pape")],
        family: &[fr("Ndiaye"), fr("Diop"), fr("Fall"), fr("Sarr"), fr("Gueye")],
        dialling: "+221",
    },
    Origin {
        country: "CD",
        weight: 4,
        languages: &["ln", "fr", "sw"],
        statuses: &[(AsylumSeeker, 5), (Refugee, 2)],
        female: &[fr("Grâce"), fr("Nadège"), fr("Esther"), fr("Merveille")],
        male: &[fr("Patrick"), fr("Junior"), fr("Christian"), fr("Héritier")],
        family: &[fr("Mbuyi"), fr("Mukendi"), fr("Kalala"), fr("Ilunga"), fr("Tshibangu")],
        dialling: "+243",
    },
];

/// Neighbourhoods the agents walk through, with their city.
pub const NEIGHBOURHOODS: &[(&str, &str)] = &[
    ("La Duchère", "Lyon"),
    ("Mermoz", "Lyon"),
    ("La Guillotière", "Lyon"),
    ("Gerland", "Lyon"),
    ("Les Minguettes", "Vénissieux"),
    ("Le Mas du Taureau", "Vaulx-en-Velin"),
    ("Parilly", "Bron"),
    ("Les Buers", "Villeurbanne"),
    ("Saint-Jean", "Villeurbanne"),
    ("Les Clochettes", "Saint-Fons"),
];

/// Where outreach visits take place.
pub const VISIT_PLACES: &[&str] = &[
    "marché du samedi",
    "sortie d'école",
    "foyer de travailleurs",
    "centre social",
    "épicerie solidaire",
    "permanence d'une association",
    "pied d'immeuble",
    "salle de prière",
    "distribution alimentaire",
    "médiathèque",
];

/// Skills and trades people name.
pub const SKILLS: &[&str] = &[
    "couture",
    "maçonnerie",
    "cuisine",
    "mécanique automobile",
    "coiffure",
    "aide à domicile",
    "électricité du bâtiment",
    "agriculture, élevage",
    "chauffeur poids lourd",
    "informatique, réparation de téléphones",
    "comptabilité",
    "boulangerie, pâtisserie",
    "enseignement (professeur de mathématiques)",
    "soudure",
    "peinture en bâtiment",
    "infirmière (diplôme non reconnu)",
    "vente, commerce",
    "plomberie",
    "garde d'enfants",
    "traduction arabe-anglais",
];

/// Free notes an agent writes about a person.
pub const CONTACT_NOTES: &[&str] = &[
    "Préfère être appelée le matin.",
    "Besoin d'un interprète pour les rendez-vous.",
    "Diplôme d'ingénieur obtenu au pays, pas encore reconnu.",
    "Souhaite d'abord suivre des cours de français.",
    "Intéressé par la création d'un food truck.",
    "Garde ses enfants l'après-midi : rendez-vous le matin seulement.",
    "Rencontré avec son frère, qui traduisait.",
    "Pas de titre de séjour pour l'instant, à réorienter vers une association.",
    "A déjà travaillé en France dans le nettoyage.",
    "Souhaite une formation courte et rémunérée.",
    "Numéro partagé avec sa sœur.",
    "Cherche un emploi près de chez elle, pas de voiture.",
];

/// Notes of follow-ups.
pub const FOLLOW_UP_NOTES: &[&str] = &[
    "Appel : rendez-vous fixé à l'agence.",
    "SMS de rappel envoyé la veille.",
    "Pas de réponse, rappeler la semaine prochaine.",
    "Venu à la permanence avec ses papiers.",
    "Inscrit à la session d'information.",
    "A commencé sa formation.",
    "Orienté vers le conseiller création d'entreprise.",
    "Message vocal laissé en arabe.",
    "Documents manquants : attestation de domicile.",
];

/// Topics of sessions at the agency.
pub const SESSION_TOPICS: &[&str] = &[
    "Formations du bâtiment",
    "Créer son entreprise",
    "Préparer un entretien d'embauche",
    "Le CV en France",
    "Faire reconnaître ses diplômes",
    "Métiers de l'aide à la personne",
    "Français à visée professionnelle",
    "Permis de conduire et mobilité",
    "Logistique et entrepôts",
    "Hôtellerie et restauration",
    "S'inscrire à l'agence pour l'emploi",
    "Les droits au travail",
];

/// Rooms of the agency.
pub const SESSION_PLACES: &[&str] = &[
    "Agence, salle 1",
    "Agence, salle 2",
    "Agence, espace numérique",
    "Centre social des Buers",
];

/// Counsellors of the agency who run sessions with the agents.
pub const COUNSELLORS: &[&str] = &["Mme Benali", "M. Laurent", "Mme Nguyen", "M. Ferreira"];

/// Notes of outreach visits.
pub const VISIT_NOTES: &[&str] = &[
    "Beaucoup de questions sur le permis de conduire.",
    "Plusieurs femmes intéressées par la couture.",
    "Distribution de plaquettes en arabe et en dari.",
    "Peu de monde à cause de la pluie.",
    "Des jeunes demandent des formations rémunérées.",
    "Rencontre avec l'association de quartier.",
];
