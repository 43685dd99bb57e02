//! A contact: a person an agent met, with consent, journey stage and
//! follow-ups (`docs/records.md`, "contact").

use std::collections::BTreeSet;

use automerge::ReadDoc;

use crate::common::Common;
use crate::country_code::CountryCode;
use crate::ids::{DocumentId, FollowUpId, UserId};
use crate::phone_number::PhoneNumber;
use crate::read::{self, MapRef};
use crate::record_type::RecordType;
use crate::validation::ValidationError;
use crate::vocabulary::{AgeBand, ConsentScope, Education, FollowUpKind, Interest, MigrationStatus, Sex, Stage};

/// The years a `birth_year` may hold.
pub const BIRTH_YEARS: std::ops::RangeInclusive<u16> = 1900..=2100;

/// A contact record, every field of `docs/records.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// The fields every record has.
    pub common: Common,
    /// Given name; at least one of the three names is non-empty.
    pub given_name: Option<String>,
    /// Family name.
    pub family_name: Option<String>,
    /// The name the person goes by, when they give no other.
    pub alias: Option<String>,
    /// Sex, as the person states it.
    pub sex: Option<Sex>,
    /// Year of birth, within [`BIRTH_YEARS`].
    pub birth_year: Option<u16>,
    /// Age band, used when the birth year is not known.
    pub age_band: Option<AgeBand>,
    /// Nationality.
    pub nationality: Option<CountryCode>,
    /// Migration status.
    pub status: Option<MigrationStatus>,
    /// Phone number, as typed.
    pub phone: Option<PhoneNumber>,
    /// Languages spoken, ISO 639-1 codes as written (`ar`, `fr`, `ff`).
    pub languages: BTreeSet<String>,
    /// Neighbourhood where the person lives or was met.
    pub neighbourhood: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Highest level of education.
    pub education: Option<Education>,
    /// Skills or trade, free text.
    pub skills: Option<String>,
    /// What the person is interested in.
    pub interests: BTreeSet<Interest>,
    /// What the person consented to.
    pub consent: Consent,
    /// Where the person is in their journey towards work.
    pub stage: Option<Stage>,
    /// Follow-ups, in list order.
    pub follow_ups: Vec<FollowUp>,
    /// Free notes.
    pub notes: Option<String>,
    /// The contact this one was merged into by a supervisor: this record is
    /// then a redirect, hidden from lists, and clients show the survivor.
    pub merged_into: Option<DocumentId>,
}

/// A contact's consent (the `consent` map).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// Whether the person consented (required).
    pub given: bool,
    /// When, a UTC `datetime`.
    pub at: Option<String>,
    /// The user who asked.
    pub by: Option<UserId>,
    /// What the consent covers.
    pub scope: BTreeSet<ConsentScope>,
}

/// One follow-up of a contact (an item of the `follow_ups` list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    /// Stable id, so that concurrent appends and edits stay apart.
    pub id: FollowUpId,
    /// The day it happened, a `date`.
    pub at: String,
    /// How it happened.
    pub kind: FollowUpKind,
    /// What was said or agreed.
    pub note: Option<String>,
    /// The user who followed up.
    pub by: Option<UserId>,
}

impl Contact {
    /// The contact a document holds, or the first field that breaks the layout.
    pub fn from_doc(doc: &impl ReadDoc) -> Result<Self, ValidationError> {
        let common = Common::from_doc(doc, RecordType::Contact)?;
        let root = MapRef::root();
        let contact = Self {
            common,
            given_name: read::optional_str(doc, &root, "given_name")?,
            family_name: read::optional_str(doc, &root, "family_name")?,
            alias: read::optional_str(doc, &root, "alias")?,
            sex: read::optional_enum(doc, &root, "sex")?,
            birth_year: birth_year(doc, &root)?,
            age_band: read::optional_enum(doc, &root, "age_band")?,
            nationality: read::optional_parsed(doc, &root, "nationality")?,
            status: read::optional_enum(doc, &root, "status")?,
            phone: read::optional_parsed(doc, &root, "phone")?,
            languages: read::set(doc, &root, "languages")?.into_iter().collect(),
            neighbourhood: read::optional_str(doc, &root, "neighbourhood")?,
            city: read::optional_str(doc, &root, "city")?,
            education: read::optional_enum(doc, &root, "education")?,
            skills: read::optional_text(doc, &root, "skills")?,
            interests: read::set_of(doc, &root, "interests")?.into_iter().collect(),
            consent: match read::optional_map(doc, &root, "consent")? {
                Some(map) => Consent::from_map(doc, &map)?,
                None => return Err(ValidationError::missing("consent")),
            },
            stage: read::optional_enum(doc, &root, "stage")?,
            follow_ups: read::list_of_maps(doc, &root, "follow_ups")?
                .iter()
                .map(|map| FollowUp::from_map(doc, map))
                .collect::<Result<_, _>>()?,
            notes: read::optional_text(doc, &root, "notes")?,
            merged_into: read::optional_uuid(doc, &root, "merged_into")?,
        };
        if !contact.has_name() {
            return Err(ValidationError::new(
                "given_name",
                "a name is required: one of given_name, family_name or alias",
            ));
        }
        Ok(contact)
    }

    /// Whether one of the three names is non-blank.
    pub fn has_name(&self) -> bool {
        [&self.given_name, &self.family_name, &self.alias]
            .into_iter()
            .any(|name| name.as_deref().is_some_and(|n| !n.trim().is_empty()))
    }
}

fn birth_year(doc: &impl ReadDoc, root: &MapRef) -> Result<Option<u16>, ValidationError> {
    let Some(year) = read::optional_int(doc, root, "birth_year")? else {
        return Ok(None);
    };
    u16::try_from(year)
        .ok()
        .filter(|y| BIRTH_YEARS.contains(y))
        .map(Some)
        .ok_or_else(|| {
            ValidationError::new(
                "birth_year",
                format!(
                    "expected a year from {} to {}, got {year}",
                    BIRTH_YEARS.start(),
                    BIRTH_YEARS.end()
                ),
            )
        })
}

impl Consent {
    /// The consent held by the map `map`.
    pub fn from_map(doc: &impl ReadDoc, map: &MapRef) -> Result<Self, ValidationError> {
        Ok(Self {
            given: read::required_bool(doc, map, "given")?,
            at: read::optional_datetime(doc, map, "at")?,
            by: read::optional_uuid(doc, map, "by")?,
            scope: read::set_of(doc, map, "scope")?.into_iter().collect(),
        })
    }
}

impl FollowUp {
    /// The follow-up held by the map `map` (an item of `follow_ups`).
    pub fn from_map(doc: &impl ReadDoc, map: &MapRef) -> Result<Self, ValidationError> {
        Ok(Self {
            id: read::required_uuid(doc, map, "id")?,
            at: read::required_date(doc, map, "at")?,
            kind: read::required_enum(doc, map, "kind")?,
            note: read::optional_text(doc, map, "note")?,
            by: read::optional_uuid(doc, map, "by")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ObjId, ObjType, Prop, ReadDoc, ScalarValue, ROOT};

    use super::*;
    use crate::fixtures::{self, TestResult};
    use crate::write::write_contact;

    type Edit = fn(&mut AutoCommit) -> TestResult;

    fn object(doc: &AutoCommit, parent: &ObjId, prop: impl Into<Prop>) -> Result<ObjId, Box<dyn std::error::Error>> {
        match doc.get(parent, prop)? {
            Some((automerge::Value::Object(_), id)) => Ok(id),
            _ => Err("no object there".into()),
        }
    }

    fn consent(doc: &AutoCommit) -> Result<ObjId, Box<dyn std::error::Error>> {
        object(doc, &ROOT, "consent")
    }

    fn follow_up(doc: &AutoCommit, index: usize) -> Result<ObjId, Box<dyn std::error::Error>> {
        let list = object(doc, &ROOT, "follow_ups")?;
        object(doc, &list, index)
    }

    fn written(contact: &Contact) -> Result<AutoCommit, automerge::AutomergeError> {
        let mut doc = AutoCommit::new();
        write_contact(&mut doc, contact)?;
        Ok(doc)
    }

    #[test]
    fn a_contact_with_every_field_reads_back_as_written() -> TestResult {
        let contact = fixtures::full_contact()?;
        let doc = written(&contact)?;
        assert_eq!(Contact::from_doc(&doc)?, contact);
        Ok(())
    }

    #[test]
    fn a_contact_with_only_the_required_fields_reads_back_as_written() -> TestResult {
        let contact = fixtures::minimal_contact();
        let doc = written(&contact)?;
        assert_eq!(Contact::from_doc(&doc)?, contact);
        Ok(())
    }

    #[test]
    fn a_merged_contact_names_the_contact_it_was_merged_into() -> TestResult {
        let mut contact = fixtures::full_contact()?;
        contact.merged_into = Some(DocumentId::random());
        let mut doc = written(&contact)?;
        assert_eq!(Contact::from_doc(&doc)?, contact);
        doc.put(ROOT, "merged_into", "not an id")?;
        assert_eq!(Contact::from_doc(&doc).expect_err("not an id").path, "merged_into");
        Ok(())
    }

    #[test]
    fn a_contact_survives_save_and_load() -> TestResult {
        let contact = fixtures::full_contact()?;
        let mut doc = written(&contact)?;
        let loaded = AutoCommit::load(&doc.save())?;
        assert_eq!(Contact::from_doc(&loaded)?, contact);
        Ok(())
    }

    #[test]
    fn a_later_schema_version_with_an_unknown_field_still_reads() -> TestResult {
        let contact = fixtures::full_contact()?;
        let mut doc = written(&contact)?;
        doc.put(ROOT, "schema", 2_i64)?;
        doc.put(ROOT, "preferred_contact_time", "morning")?;
        let extra = doc.put_object(ROOT, "household", ObjType::Map)?;
        doc.put(&extra, "children", 3_i64)?;
        doc.put(consent(&doc)?, "witness", "agent 2")?;

        let read = Contact::from_doc(&doc)?;

        assert_eq!(read.common.schema, 2);
        assert_eq!(
            Contact {
                common: contact.common.clone(),
                ..read
            },
            contact
        );
        Ok(())
    }

    #[test]
    fn a_text_object_where_a_str_is_expected_reads_fine() -> TestResult {
        let mut contact = fixtures::minimal_contact();
        let mut doc = written(&contact)?;
        let text = doc.put_object(ROOT, "given_name", ObjType::Text)?;
        doc.splice_text(&text, 0, 0, "Karim")?;
        let stage = doc.put_object(ROOT, "stage", ObjType::Text)?;
        doc.splice_text(&stage, 0, 0, "registered")?;
        doc.put(ROOT, "skills", "plombier")?;

        let read = Contact::from_doc(&doc)?;

        contact.given_name = Some("Karim".to_owned());
        contact.stage = Some(Stage::Registered);
        contact.skills = Some("plombier".to_owned());
        assert_eq!(read, contact);
        Ok(())
    }

    #[test]
    fn null_optional_fields_read_as_unknown() -> TestResult {
        let contact = fixtures::minimal_contact();
        let mut doc = written(&contact)?;
        for key in ["sex", "birth_year", "phone", "notes", "languages"] {
            doc.put(ROOT, key, ScalarValue::Null)?;
        }
        assert_eq!(Contact::from_doc(&doc)?, contact);
        Ok(())
    }

    #[test]
    fn a_contact_without_any_name_is_refused() -> TestResult {
        let mut contact = fixtures::minimal_contact();
        contact.alias = Some("  ".to_owned());
        contact.given_name = Some(String::new());
        let doc = written(&contact)?;
        let error = Contact::from_doc(&doc).expect_err("no name");
        assert_eq!(error.path, "given_name");
        assert_eq!(
            error.problem,
            "a name is required: one of given_name, family_name or alias"
        );
        Ok(())
    }

    #[test]
    fn a_session_document_is_not_a_contact() -> TestResult {
        let mut doc = written(&fixtures::minimal_contact())?;
        doc.put(ROOT, "type", "session")?;
        assert_eq!(
            Contact::from_doc(&doc).expect_err("a session").to_string(),
            "type: expected contact, got session"
        );
        Ok(())
    }

    #[test]
    fn each_invalid_field_is_reported_with_its_path() -> TestResult {
        let cases: Vec<(&str, Edit)> = vec![
            ("schema", |doc| Ok(doc.delete(ROOT, "schema")?)),
            ("id", |doc| Ok(doc.put(ROOT, "id", "42")?)),
            ("created_at", |doc| {
                Ok(doc.put(ROOT, "created_at", "2026-11-29 10:15")?)
            }),
            ("given_name", |doc| Ok(doc.put(ROOT, "given_name", 7_i64)?)),
            ("sex", |doc| Ok(doc.put(ROOT, "sex", "f")?)),
            ("birth_year", |doc| Ok(doc.put(ROOT, "birth_year", 1850_i64)?)),
            ("birth_year", |doc| Ok(doc.put(ROOT, "birth_year", 2101_i64)?)),
            ("birth_year", |doc| Ok(doc.put(ROOT, "birth_year", "1990")?)),
            ("age_band", |doc| Ok(doc.put(ROOT, "age_band", "20s")?)),
            ("nationality", |doc| Ok(doc.put(ROOT, "nationality", "sy")?)),
            ("nationality", |doc| Ok(doc.put(ROOT, "nationality", "SYR")?)),
            ("status", |doc| Ok(doc.put(ROOT, "status", "asylum-seeker")?)),
            ("phone", |doc| Ok(doc.put(ROOT, "phone", "06-12-34-56-78")?)),
            ("phone", |doc| Ok(doc.put(ROOT, "phone", "12345")?)),
            ("languages", |doc| {
                Ok(doc.put_object(ROOT, "languages", ObjType::List).map(drop)?)
            }),
            ("neighbourhood", |doc| Ok(doc.put(ROOT, "neighbourhood", true)?)),
            ("city", |doc| {
                Ok(doc.put_object(ROOT, "city", ObjType::Map).map(drop)?)
            }),
            ("education", |doc| Ok(doc.put(ROOT, "education", "university")?)),
            ("skills", |doc| Ok(doc.put(ROOT, "skills", 3_i64)?)),
            ("interests.knitting", |doc| {
                let interests = object(doc, &ROOT, "interests")?;
                Ok(doc.put(interests, "knitting", true)?)
            }),
            ("consent", |doc| Ok(doc.delete(ROOT, "consent")?)),
            ("consent", |doc| Ok(doc.put(ROOT, "consent", true)?)),
            ("consent.given", |doc| Ok(doc.delete(consent(doc)?, "given")?)),
            ("consent.given", |doc| Ok(doc.put(consent(doc)?, "given", "yes")?)),
            ("consent.at", |doc| Ok(doc.put(consent(doc)?, "at", "2026-11-29")?)),
            ("consent.by", |doc| Ok(doc.put(consent(doc)?, "by", "agent 7")?)),
            ("consent.scope.marketing", |doc| {
                let scope = object(doc, &consent(doc)?, "scope")?;
                Ok(doc.put(scope, "marketing", true)?)
            }),
            ("stage", |doc| Ok(doc.put(ROOT, "stage", "hired")?)),
            ("follow_ups", |doc| {
                Ok(doc.put_object(ROOT, "follow_ups", ObjType::Map).map(drop)?)
            }),
            ("follow_ups[1]", |doc| {
                let list = object(doc, &ROOT, "follow_ups")?;
                Ok(doc.put(list, 1, "called")?)
            }),
            ("follow_ups[0].id", |doc| Ok(doc.delete(follow_up(doc, 0)?, "id")?)),
            ("follow_ups[0].id", |doc| Ok(doc.put(follow_up(doc, 0)?, "id", "1")?)),
            ("follow_ups[1].at", |doc| {
                Ok(doc.put(follow_up(doc, 1)?, "at", "2026-12-32")?)
            }),
            ("follow_ups[1].kind", |doc| {
                Ok(doc.put(follow_up(doc, 1)?, "kind", "phonecall")?)
            }),
            ("follow_ups[1].kind", |doc| Ok(doc.delete(follow_up(doc, 1)?, "kind")?)),
            ("follow_ups[0].note", |doc| {
                Ok(doc.put(follow_up(doc, 0)?, "note", 1_i64)?)
            }),
            ("follow_ups[0].by", |doc| Ok(doc.put(follow_up(doc, 0)?, "by", "me")?)),
            ("notes", |doc| {
                Ok(doc.put_object(ROOT, "notes", ObjType::List).map(drop)?)
            }),
        ];
        for (path, edit) in cases {
            let mut doc = written(&fixtures::full_contact()?)?;
            edit(&mut doc)?;
            let error = Contact::from_doc(&doc).expect_err(path);
            assert_eq!(error.path, path, "{error}");
        }
        Ok(())
    }

    #[test]
    fn the_kind_of_a_follow_up_is_reported_in_the_documented_form() -> TestResult {
        let mut doc = written(&fixtures::full_contact()?)?;
        doc.put(follow_up(&doc, 1)?, "kind", "phonecall")?;
        assert_eq!(
            Contact::from_doc(&doc).expect_err("phonecall").to_string(),
            "follow_ups[1].kind: expected one of call, visit, meeting, message, other, got \"phonecall\""
        );
        Ok(())
    }

    #[test]
    fn a_phone_number_error_does_not_repeat_the_number() -> TestResult {
        let mut doc = written(&fixtures::minimal_contact())?;
        doc.put(ROOT, "phone", "06-99-88")?;
        assert!(!Contact::from_doc(&doc)
            .expect_err("bad phone")
            .to_string()
            .contains("99"));
        Ok(())
    }
}
