//! The closed vocabularies of record fields (`sex`, `stage`, `kind`…).
//!
//! Each is an enum whose [`as_str`](Sex::as_str) name is the string stored in
//! documents and projected into SQL, and which parses back with [`FromStr`].
//! The names are part of the document layout (`docs/records.md`): a later
//! schema version adds fields, it never renames a value.

use std::fmt;
use std::str::FromStr;

use crate::validation::quoted;

/// A closed list of names a `str` field may hold.
pub trait Vocabulary: Copy + Ord + FromStr + fmt::Debug + 'static {
    /// Every value, in the order of `docs/records.md`.
    const ALL: &'static [Self];

    /// The name stored in documents.
    fn as_str(self) -> &'static str;

    /// The value named `name`, if it is one.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|value| value.as_str() == name)
    }

    /// `one of a, b, c`, for error messages.
    fn expected() -> String {
        let names: Vec<&str> = Self::ALL.iter().map(|value| value.as_str()).collect();
        format!("one of {}", names.join(", "))
    }
}

/// A name that is not in a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected}, got {got}")]
pub struct UnknownName {
    expected: String,
    got: String,
}

impl UnknownName {
    fn new<V: Vocabulary>(got: &str) -> Self {
        Self {
            expected: V::expected(),
            got: quoted(got),
        }
    }
}

macro_rules! vocabulary {
    (
        $(#[$doc:meta])*
        $name:ident {
            $( $(#[$variant_doc:meta])* $variant:ident => $text:literal, )+
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$variant_doc])* $variant, )+
        }

        impl $name {
            /// Every value, in the order of `docs/records.md`.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The name stored in documents.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }
        }

        impl Vocabulary for $name {
            const ALL: &'static [Self] = $name::ALL;
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }

        impl FromStr for $name {
            type Err = UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$name as Vocabulary>::from_name(s).ok_or_else(|| UnknownName::new::<$name>(s))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary!(
    /// A contact's sex, as they state it.
    Sex {
        /// `female`
        Female => "female",
        /// `male`
        Male => "male",
        /// `other`
        Other => "other",
        /// `undisclosed`: the person preferred not to say.
        Undisclosed => "undisclosed",
    }
);

vocabulary!(
    /// A contact's age band, recorded when the birth year is not known.
    AgeBand {
        /// `under_18`
        Under18 => "under_18",
        /// `18_25`
        From18To25 => "18_25",
        /// `26_35`
        From26To35 => "26_35",
        /// `36_45`
        From36To45 => "36_45",
        /// `46_60`
        From46To60 => "46_60",
        /// `over_60`
        Over60 => "over_60",
    }
);

vocabulary!(
    /// A contact's migration status (the `status` field).
    MigrationStatus {
        /// `refugee`
        Refugee => "refugee",
        /// `asylum_seeker`
        AsylumSeeker => "asylum_seeker",
        /// `migrant`
        Migrant => "migrant",
        /// `other`
        Other => "other",
        /// `undisclosed`: the person preferred not to say.
        Undisclosed => "undisclosed",
    }
);

vocabulary!(
    /// A contact's highest level of education.
    Education {
        /// `none`
        None => "none",
        /// `primary`
        Primary => "primary",
        /// `secondary`
        Secondary => "secondary",
        /// `vocational`
        Vocational => "vocational",
        /// `higher`
        Higher => "higher",
        /// `undisclosed`: the person preferred not to say.
        Undisclosed => "undisclosed",
    }
);

vocabulary!(
    /// What a contact is interested in; also the topics of an outreach visit.
    Interest {
        /// `vocational_training`
        VocationalTraining => "vocational_training",
        /// `job_search`
        JobSearch => "job_search",
        /// `self_employment`
        SelfEmployment => "self_employment",
        /// `other`
        Other => "other",
    }
);

vocabulary!(
    /// What a contact consented to.
    ConsentScope {
        /// `record`: being recorded at all.
        Record => "record",
        /// `call_back`: being called back.
        CallBack => "call_back",
        /// `share_with_services`: their record shared with the employment services.
        ShareWithServices => "share_with_services",
    }
);

vocabulary!(
    /// Where a contact is in their journey towards work.
    Stage {
        /// `contacted`
        Contacted => "contacted",
        /// `informed`
        Informed => "informed",
        /// `registered` at the agency.
        Registered => "registered",
        /// `in_training`
        InTraining => "in_training",
        /// `accompanied` in their job search.
        Accompanied => "accompanied",
        /// `employed`
        Employed => "employed",
        /// `self_employed`
        SelfEmployed => "self_employed",
    }
);

vocabulary!(
    /// How a follow-up with a contact happened.
    FollowUpKind {
        /// `call`
        Call => "call",
        /// `visit`
        Visit => "visit",
        /// `meeting`
        Meeting => "meeting",
        /// `message`
        Message => "message",
        /// `other`
        Other => "other",
    }
);

vocabulary!(
    /// The kind of a session at the agency.
    SessionKind {
        /// `information`
        Information => "information",
        /// `accompaniment`
        Accompaniment => "accompaniment",
        /// `workshop`
        Workshop => "workshop",
    }
);

vocabulary!(
    /// Whether a contact attended a session.
    AttendanceStatus {
        /// `present`
        Present => "present",
        /// `absent`
        Absent => "absent",
        /// `excused`: absent and said so beforehand.
        Excused => "excused",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    fn every_name_round_trips<V: Vocabulary>()
    where
        <V as FromStr>::Err: fmt::Debug,
    {
        for value in V::ALL {
            let parsed: V = value.as_str().parse().expect("own name parses");
            assert_eq!(parsed, *value);
        }
    }

    #[test]
    fn every_vocabulary_name_parses_back_to_its_value() {
        every_name_round_trips::<Sex>();
        every_name_round_trips::<AgeBand>();
        every_name_round_trips::<MigrationStatus>();
        every_name_round_trips::<Education>();
        every_name_round_trips::<Interest>();
        every_name_round_trips::<ConsentScope>();
        every_name_round_trips::<Stage>();
        every_name_round_trips::<FollowUpKind>();
        every_name_round_trips::<SessionKind>();
        every_name_round_trips::<AttendanceStatus>();
    }

    #[test]
    fn an_unknown_name_is_refused_with_the_list_of_names() {
        let error = "phonecall".parse::<FollowUpKind>().expect_err("not a kind");
        assert_eq!(
            error.to_string(),
            "expected one of call, visit, meeting, message, other, got \"phonecall\""
        );
    }

    #[test]
    fn names_are_case_sensitive() {
        assert!("Female".parse::<Sex>().is_err());
    }
}
