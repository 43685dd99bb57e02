//! An outreach visit to a neighbourhood (`docs/records.md`, "visit").
//!
//! The head counts are counters, so two agents each adding the people they
//! reached add up instead of overwriting each other.

use std::collections::BTreeSet;

use automerge::ReadDoc;

use crate::common::Common;
use crate::ids::UserId;
use crate::read::{self, MapRef};
use crate::record_type::RecordType;
use crate::validation::{quoted, ValidationError};
use crate::vocabulary::Interest;

/// A visit record, every field of `docs/records.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    /// The fields every record has.
    pub common: Common,
    /// The day of the visit, a `date`.
    pub date: String,
    /// The agents who went.
    pub agents: BTreeSet<UserId>,
    /// The neighbourhood visited.
    pub neighbourhood: String,
    /// The place in it (a market, a community centre).
    pub place: Option<String>,
    /// People reached; 0 when the counter is absent.
    pub reached: i64,
    /// Women among them, never more than `reached`.
    pub women_reached: i64,
    /// What was talked about.
    pub topics: BTreeSet<Interest>,
    /// Free notes.
    pub notes: Option<String>,
}

impl Visit {
    /// The visit a document holds, or the first field that breaks the layout.
    pub fn from_doc(doc: &impl ReadDoc) -> Result<Self, ValidationError> {
        let common = Common::from_doc(doc, RecordType::Visit)?;
        let root = MapRef::root();
        let reached = read::optional_counter(doc, &root, "reached")?.unwrap_or(0);
        let women_reached = read::optional_counter(doc, &root, "women_reached")?.unwrap_or(0);
        if reached < 0 {
            return Err(ValidationError::new(
                "reached",
                format!("expected a count of at least 0, got {reached}"),
            ));
        }
        if women_reached < 0 {
            return Err(ValidationError::new(
                "women_reached",
                format!("expected a count of at least 0, got {women_reached}"),
            ));
        }
        if women_reached > reached {
            return Err(ValidationError::new(
                "women_reached",
                format!("{women_reached} is more than the {reached} people reached"),
            ));
        }
        Ok(Self {
            common,
            date: read::required_date(doc, &root, "date")?,
            agents: agents(doc, &root)?,
            neighbourhood: read::required_str(doc, &root, "neighbourhood")?,
            place: read::optional_str(doc, &root, "place")?,
            reached,
            women_reached,
            topics: read::set_of(doc, &root, "topics")?.into_iter().collect(),
            notes: read::optional_text(doc, &root, "notes")?,
        })
    }
}

fn agents(doc: &impl ReadDoc, root: &MapRef) -> Result<BTreeSet<UserId>, ValidationError> {
    read::set(doc, root, "agents")?
        .into_iter()
        .map(|member| {
            read::parse_uuid(&member).ok_or_else(|| {
                ValidationError::new(
                    format!("agents.{member}"),
                    format!("expected a user id (uuid), got {}", quoted(&member)),
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ObjType, ReadDoc, ScalarValue, Value, ROOT};

    use super::*;
    use crate::fixtures::{self, TestResult};
    use crate::write::{add_reached, add_to_set, write_visit};

    type Edit = fn(&mut AutoCommit) -> TestResult;

    fn written(visit: &Visit) -> Result<AutoCommit, automerge::AutomergeError> {
        let mut doc = fixtures::doc_with_actor(1);
        write_visit(&mut doc, visit)?;
        Ok(doc)
    }

    #[test]
    fn a_visit_with_every_field_reads_back_as_written() -> TestResult {
        let visit = fixtures::visit();
        let doc = written(&visit)?;
        assert_eq!(Visit::from_doc(&doc)?, visit);
        Ok(())
    }

    #[test]
    fn absent_counters_read_as_zero() -> TestResult {
        let mut doc = written(&fixtures::visit())?;
        doc.delete(ROOT, "reached")?;
        doc.delete(ROOT, "women_reached")?;
        let visit = Visit::from_doc(&doc)?;
        assert_eq!((visit.reached, visit.women_reached), (0, 0));
        Ok(())
    }

    #[test]
    fn people_reached_added_on_two_phones_add_up() -> TestResult {
        let visit = Visit {
            reached: 2,
            women_reached: 1,
            ..fixtures::visit()
        };
        let mut phone_a = written(&visit)?;
        let mut phone_b = fixtures::fork_with_actor(&mut phone_a, 2);

        add_reached(&mut phone_a, 3, 1)?;
        add_reached(&mut phone_b, 3, 2)?;
        phone_a.merge(&mut phone_b)?;

        let merged = Visit::from_doc(&phone_a)?;
        assert_eq!((merged.reached, merged.women_reached), (8, 4));
        Ok(())
    }

    #[test]
    fn agents_added_on_two_phones_are_both_kept() -> TestResult {
        let visit = Visit {
            agents: Default::default(),
            ..fixtures::visit()
        };
        let mut phone_a = written(&visit)?;
        let mut phone_b = fixtures::fork_with_actor(&mut phone_a, 2);
        let (agent_a, agent_b) = (UserId::random(), UserId::random());

        add_to_set(&mut phone_a, "agents", &agent_a.to_string())?;
        add_to_set(&mut phone_b, "agents", &agent_b.to_string())?;
        phone_a.merge(&mut phone_b)?;

        assert_eq!(Visit::from_doc(&phone_a)?.agents, [agent_a, agent_b].into());
        Ok(())
    }

    #[test]
    fn each_invalid_field_is_reported_with_its_path() -> TestResult {
        let cases: Vec<(&str, Edit)> = vec![
            ("date", |doc| Ok(doc.delete(ROOT, "date")?)),
            ("date", |doc| Ok(doc.put(ROOT, "date", "2026-11-29T10:00:00Z")?)),
            ("agents.ahmed", |doc| Ok(add_to_set(doc, "agents", "ahmed")?)),
            ("neighbourhood", |doc| Ok(doc.delete(ROOT, "neighbourhood")?)),
            ("place", |doc| Ok(doc.put(ROOT, "place", 1_i64)?)),
            ("reached", |doc| Ok(doc.put(ROOT, "reached", "14")?)),
            ("reached", |doc| {
                Ok(doc.put(ROOT, "reached", ScalarValue::counter(-1))?)
            }),
            ("women_reached", |doc| {
                Ok(doc.put(ROOT, "women_reached", ScalarValue::counter(-1))?)
            }),
            ("women_reached", |doc| Ok(doc.increment(ROOT, "women_reached", 9)?)),
            ("topics.football", |doc| Ok(add_to_set(doc, "topics", "football")?)),
            ("notes", |doc| {
                Ok(doc.put_object(ROOT, "notes", ObjType::Map).map(drop)?)
            }),
        ];
        for (path, edit) in cases {
            let mut doc = written(&fixtures::visit())?;
            edit(&mut doc)?;
            let error = Visit::from_doc(&doc).expect_err(path);
            assert_eq!(error.path, path, "{error}");
        }
        Ok(())
    }

    #[test]
    fn more_women_than_people_reached_is_explained() -> TestResult {
        let doc = written(&Visit {
            reached: 3,
            women_reached: 4,
            ..fixtures::visit()
        })?;
        let error = Visit::from_doc(&doc).expect_err("4 of 3");
        assert_eq!(error.to_string(), "women_reached: 4 is more than the 3 people reached");
        Ok(())
    }

    #[test]
    fn head_counts_are_written_as_counters() -> TestResult {
        let doc = written(&fixtures::visit())?;
        let reached = doc.get(ROOT, "reached")?;
        assert!(matches!(reached, Some((Value::Scalar(s), _)) if s.is_counter()));
        Ok(())
    }
}
