//! Reading typed fields out of an Automerge map, with the field's path in
//! every error.
//!
//! Each helper reads one key of a map ([`MapRef`]) in any [`ReadDoc`] (an
//! [`automerge::Automerge`], an [`automerge::AutoCommit`], a transaction) and
//! follows the value conventions of `docs/records.md`:
//!
//! - a missing key and a `null` value both read as absent (`None`);
//! - a `str` may also be a Text object, and a `text` a scalar string;
//! - a typed `str` (an id, a date, a vocabulary name) that is empty reads as
//!   absent, as a cleared form field is often written that way;
//! - a `set` is a map of member → `true`; any other value means "not a member";
//! - a value of another Automerge type is an error naming both types.
//!
//! Where a key holds conflicting values the helpers read the one Automerge
//! picks on every replica (what [`ReadDoc::get`] returns); the others are
//! reported by [`crate::conflicts::field_conflicts`].
//!
//! ```
//! use automerge::{transaction::Transactable, AutoCommit, ROOT};
//! use relais_schema::read::{self, MapRef};
//!
//! let mut doc = AutoCommit::new();
//! doc.put(ROOT, "birth_year", 1990_i64)?;
//! assert_eq!(read::optional_int(&doc, &MapRef::root(), "birth_year"), Ok(Some(1990)));
//! let error = read::optional_str(&doc, &MapRef::root(), "birth_year").expect_err("an int");
//! assert_eq!(error.to_string(), "birth_year: expected str, got int");
//! # Ok::<(), automerge::AutomergeError>(())
//! ```

use std::str::FromStr;

use automerge::{ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT};

use crate::datetime::{is_valid_date, is_valid_datetime};
use crate::validation::{quoted, ValidationError};
use crate::vocabulary::Vocabulary;

/// A map object of a document and its path from the root (empty for the
/// root), so that errors can say where they are.
#[derive(Debug, Clone, PartialEq)]
pub struct MapRef {
    id: ObjId,
    path: String,
}

impl MapRef {
    /// The root map of a document.
    pub fn root() -> Self {
        Self {
            id: ROOT,
            path: String::new(),
        }
    }

    /// The map `id`, found at `path`.
    pub fn new(id: ObjId, path: impl Into<String>) -> Self {
        Self { id, path: path.into() }
    }

    /// The object id of the map.
    pub fn id(&self) -> &ObjId {
        &self.id
    }

    /// The path of the map from the root: `""`, `consent`, `follow_ups[2]`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The path of the field `key` of this map: `consent.at`.
    pub fn field_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }
}

/// The name of an Automerge value's type, as error messages use it.
pub fn type_name(value: &Value<'_>) -> &'static str {
    match value {
        Value::Object(ObjType::Map) => "map",
        Value::Object(ObjType::Table) => "table",
        Value::Object(ObjType::List) => "list",
        Value::Object(ObjType::Text) => "text",
        Value::Scalar(scalar) => match scalar.as_ref() {
            ScalarValue::Bytes(_) => "bytes",
            ScalarValue::Str(_) => "str",
            ScalarValue::Int(_) => "int",
            ScalarValue::Uint(_) => "uint",
            ScalarValue::F64(_) => "f64",
            ScalarValue::Counter(_) => "counter",
            ScalarValue::Timestamp(_) => "timestamp",
            ScalarValue::Boolean(_) => "bool",
            ScalarValue::Unknown { .. } => "unknown",
            ScalarValue::Null => "null",
        },
    }
}

/// The value at `key` and its id, `None` if missing or `null`.
pub fn field<'d>(
    doc: &'d impl ReadDoc,
    map: &MapRef,
    key: &str,
) -> Result<Option<(Value<'d>, ObjId)>, ValidationError> {
    let found = doc
        .get(&map.id, key)
        .map_err(|e| ValidationError::new(map.field_path(key), format!("unreadable: {e}")))?;
    Ok(found.filter(|(value, _)| !matches!(value, Value::Scalar(s) if s.is_null())))
}

/// A `str` (or a Text object's content).
pub fn optional_str(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<Option<String>, ValidationError> {
    string_like(doc, map, key, "str")
}

/// A required `str`.
pub fn required_str(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<String, ValidationError> {
    optional_str(doc, map, key)?.ok_or_else(|| ValidationError::missing(map.field_path(key)))
}

/// A `text` (a Text object's content, or a scalar string).
pub fn optional_text(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<Option<String>, ValidationError> {
    string_like(doc, map, key, "text")
}

fn string_like(doc: &impl ReadDoc, map: &MapRef, key: &str, expected: &str) -> Result<Option<String>, ValidationError> {
    let Some((value, id)) = field(doc, map, key)? else {
        return Ok(None);
    };
    match &value {
        Value::Scalar(scalar) => match scalar.as_ref() {
            ScalarValue::Str(s) => Ok(Some(s.to_string())),
            _ => Err(ValidationError::wrong_type(
                map.field_path(key),
                expected,
                type_name(&value),
            )),
        },
        Value::Object(ObjType::Text) => doc
            .text(&id)
            .map(Some)
            .map_err(|e| ValidationError::new(map.field_path(key), format!("unreadable text: {e}"))),
        Value::Object(_) => Err(ValidationError::wrong_type(
            map.field_path(key),
            expected,
            type_name(&value),
        )),
    }
}

/// An `int` (a scalar Int, or a Uint that fits in an `i64`).
pub fn optional_int(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<Option<i64>, ValidationError> {
    let Some((value, _)) = field(doc, map, key)? else {
        return Ok(None);
    };
    match value.as_scalar() {
        Some(ScalarValue::Int(n)) => Ok(Some(*n)),
        Some(ScalarValue::Uint(n)) => i64::try_from(*n)
            .map(Some)
            .map_err(|_| ValidationError::new(map.field_path(key), format!("{n} is too large"))),
        _ => Err(ValidationError::wrong_type(
            map.field_path(key),
            "int",
            type_name(&value),
        )),
    }
}

/// A `bool`.
pub fn optional_bool(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<Option<bool>, ValidationError> {
    let Some((value, _)) = field(doc, map, key)? else {
        return Ok(None);
    };
    match value.as_scalar() {
        Some(ScalarValue::Boolean(b)) => Ok(Some(*b)),
        _ => Err(ValidationError::wrong_type(
            map.field_path(key),
            "bool",
            type_name(&value),
        )),
    }
}

/// A required `bool`.
pub fn required_bool(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<bool, ValidationError> {
    optional_bool(doc, map, key)?.ok_or_else(|| ValidationError::missing(map.field_path(key)))
}

/// A `counter`'s current value. A plain Int is accepted too (a client that
/// wrote a number before learning about counters).
pub fn optional_counter(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<Option<i64>, ValidationError> {
    let Some((value, _)) = field(doc, map, key)? else {
        return Ok(None);
    };
    match value.as_scalar() {
        Some(ScalarValue::Counter(counter)) => Ok(Some(i64::from(counter))),
        Some(ScalarValue::Int(n)) => Ok(Some(*n)),
        _ => Err(ValidationError::wrong_type(
            map.field_path(key),
            "counter",
            type_name(&value),
        )),
    }
}

/// A nested map, `None` if absent.
pub fn optional_map(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<Option<MapRef>, ValidationError> {
    let Some((value, id)) = field(doc, map, key)? else {
        return Ok(None);
    };
    match value {
        Value::Object(ObjType::Map | ObjType::Table) => Ok(Some(MapRef::new(id, map.field_path(key)))),
        _ => Err(ValidationError::wrong_type(
            map.field_path(key),
            "map",
            type_name(&value),
        )),
    }
}

/// A nested list's object id, `None` if absent.
pub fn optional_list(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<Option<ObjId>, ValidationError> {
    let Some((value, id)) = field(doc, map, key)? else {
        return Ok(None);
    };
    match value {
        Value::Object(ObjType::List) => Ok(Some(id)),
        _ => Err(ValidationError::wrong_type(
            map.field_path(key),
            "list",
            type_name(&value),
        )),
    }
}

/// The maps of a list of maps, with paths `key[0]`, `key[1]`…; an absent list
/// is empty.
pub fn list_of_maps(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<Vec<MapRef>, ValidationError> {
    let Some(list) = optional_list(doc, map, key)? else {
        return Ok(Vec::new());
    };
    let list_path = map.field_path(key);
    (0..doc.length(&list))
        .map(|index| {
            let path = format!("{list_path}[{index}]");
            let item = doc
                .get(&list, index)
                .map_err(|e| ValidationError::new(path.clone(), format!("unreadable: {e}")))?;
            match item {
                Some((Value::Object(ObjType::Map | ObjType::Table), id)) => Ok(MapRef::new(id, path)),
                Some((value, _)) => Err(ValidationError::wrong_type(path, "map", type_name(&value))),
                None => Err(ValidationError::missing(path)),
            }
        })
        .collect()
}

/// The members of a `set`, sorted; an absent set is empty.
pub fn set(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<Vec<String>, ValidationError> {
    let Some((value, id)) = field(doc, map, key)? else {
        return Ok(Vec::new());
    };
    if !matches!(value, Value::Object(ObjType::Map | ObjType::Table)) {
        return Err(ValidationError::wrong_type(
            map.field_path(key),
            "set (a map of member to true)",
            type_name(&value),
        ));
    }
    // One pass over the set's entries (each with its winning value): reading
    // the keys and then each member's flag would walk the set twice.
    let mut members: Vec<String> = doc
        .map_range(&id, ..)
        .filter_map(|item| match item.value.into_value() {
            Value::Scalar(flag) if matches!(flag.as_ref(), ScalarValue::Boolean(true)) => Some(item.key.into_owned()),
            _ => None,
        })
        .collect();
    members.sort();
    Ok(members)
}

/// The members of a `set` whose members come from a vocabulary.
pub fn set_of<V: Vocabulary>(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<Vec<V>, ValidationError> {
    set(doc, map, key)?
        .into_iter()
        .map(|member| {
            V::from_name(&member).ok_or_else(|| {
                ValidationError::new(
                    format!("{}.{member}", map.field_path(key)),
                    format!("expected {}, got {}", V::expected(), quoted(&member)),
                )
            })
        })
        .collect()
}

/// A `str` holding a name of the vocabulary `V`.
pub fn optional_enum<V: Vocabulary>(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<Option<V>, ValidationError> {
    let Some(name) = typed_str(doc, map, key)? else {
        return Ok(None);
    };
    V::from_name(&name).map(Some).ok_or_else(|| {
        ValidationError::new(
            map.field_path(key),
            format!("expected {}, got {}", V::expected(), quoted(&name)),
        )
    })
}

/// A required `str` holding a name of the vocabulary `V`.
pub fn required_enum<V: Vocabulary>(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<V, ValidationError> {
    optional_enum(doc, map, key)?.ok_or_else(|| ValidationError::missing(map.field_path(key)))
}

/// A `date`, `YYYY-MM-DD`.
pub fn optional_date(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<Option<String>, ValidationError> {
    checked_str(doc, map, key, is_valid_date, "a date yyyy-mm-dd")
}

/// A required `date`.
pub fn required_date(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<String, ValidationError> {
    optional_date(doc, map, key)?.ok_or_else(|| ValidationError::missing(map.field_path(key)))
}

/// A `datetime`, RFC 3339 in UTC: `2026-11-29T10:15:00Z`.
pub fn optional_datetime(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<Option<String>, ValidationError> {
    checked_str(
        doc,
        map,
        key,
        is_valid_datetime,
        "a utc datetime yyyy-mm-ddThh:mm:ss(.fff)Z",
    )
}

/// A required `datetime`.
pub fn required_datetime(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<String, ValidationError> {
    optional_datetime(doc, map, key)?.ok_or_else(|| ValidationError::missing(map.field_path(key)))
}

/// A `uuid` (lowercase, hyphenated) parsed as one of the id types.
pub fn optional_uuid<T: FromStr>(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<Option<T>, ValidationError> {
    let Some(text) = typed_str(doc, map, key)? else {
        return Ok(None);
    };
    parse_uuid(&text).map(Some).ok_or_else(|| {
        ValidationError::new(
            map.field_path(key),
            format!("expected a lowercase hyphenated uuid, got {}", quoted(&text)),
        )
    })
}

/// A required `uuid`.
pub fn required_uuid<T: FromStr>(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<T, ValidationError> {
    optional_uuid(doc, map, key)?.ok_or_else(|| ValidationError::missing(map.field_path(key)))
}

/// `text` parsed as a lowercase hyphenated uuid id.
pub(crate) fn parse_uuid<T: FromStr>(text: &str) -> Option<T> {
    let canonical = text.len() == 36 && !text.bytes().any(|b| b.is_ascii_uppercase());
    if canonical {
        text.parse().ok()
    } else {
        None
    }
}

/// A `str` parsed with `T`'s [`FromStr`], whose error message becomes the problem.
pub fn optional_parsed<T>(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<Option<T>, ValidationError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let Some(text) = typed_str(doc, map, key)? else {
        return Ok(None);
    };
    text.parse()
        .map(Some)
        .map_err(|e: T::Err| ValidationError::new(map.field_path(key), e.to_string()))
}

fn checked_str(
    doc: &impl ReadDoc,
    map: &MapRef,
    key: &str,
    is_valid: fn(&str) -> bool,
    expected: &str,
) -> Result<Option<String>, ValidationError> {
    let Some(text) = typed_str(doc, map, key)? else {
        return Ok(None);
    };
    if is_valid(&text) {
        Ok(Some(text))
    } else {
        Err(ValidationError::new(
            map.field_path(key),
            format!("expected {expected}, got {}", quoted(&text)),
        ))
    }
}

/// A `str` with a format: empty reads as absent.
fn typed_str(doc: &impl ReadDoc, map: &MapRef, key: &str) -> Result<Option<String>, ValidationError> {
    Ok(optional_str(doc, map, key)?.filter(|text| !text.is_empty()))
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::AutoCommit;

    use super::*;
    use crate::ids::{DocumentId, UserId};
    use crate::vocabulary::{FollowUpKind, Interest};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn root() -> MapRef {
        MapRef::root()
    }

    fn doc() -> AutoCommit {
        AutoCommit::new()
    }

    #[test]
    fn a_scalar_string_and_a_text_object_both_read_as_a_str() -> TestResult {
        let mut doc = doc();
        doc.put(ROOT, "city", "Lyon")?;
        let text = doc.put_object(ROOT, "neighbourhood", ObjType::Text)?;
        doc.splice_text(&text, 0, 0, "La Duchère")?;

        assert_eq!(optional_str(&doc, &root(), "city"), Ok(Some("Lyon".to_owned())));
        assert_eq!(
            optional_str(&doc, &root(), "neighbourhood"),
            Ok(Some("La Duchère".to_owned()))
        );
        assert_eq!(optional_text(&doc, &root(), "city"), Ok(Some("Lyon".to_owned())));
        Ok(())
    }

    #[test]
    fn a_missing_key_and_a_null_both_read_as_absent() -> TestResult {
        let mut doc = doc();
        doc.put(ROOT, "city", ScalarValue::Null)?;
        assert_eq!(optional_str(&doc, &root(), "city"), Ok(None));
        assert_eq!(optional_str(&doc, &root(), "place"), Ok(None));
        assert_eq!(
            required_str(&doc, &root(), "city").expect_err("refused").to_string(),
            "city: required field is missing"
        );
        Ok(())
    }

    #[test]
    fn a_value_of_the_wrong_type_names_what_was_expected_and_found() -> TestResult {
        let mut doc = doc();
        doc.put(ROOT, "name", 3_i64)?;
        doc.put(ROOT, "year", "1990")?;
        doc.put_object(ROOT, "flag", ObjType::List)?;

        assert_eq!(
            optional_str(&doc, &root(), "name").expect_err("refused").problem,
            "expected str, got int"
        );
        assert_eq!(
            optional_int(&doc, &root(), "year").expect_err("refused").problem,
            "expected int, got str"
        );
        assert_eq!(
            optional_bool(&doc, &root(), "flag").expect_err("refused").problem,
            "expected bool, got list"
        );
        assert_eq!(
            optional_map(&doc, &root(), "year").expect_err("refused").problem,
            "expected map, got str"
        );
        assert_eq!(
            optional_list(&doc, &root(), "year").expect_err("refused").problem,
            "expected list, got str"
        );
        Ok(())
    }

    #[test]
    fn an_int_may_be_signed_or_unsigned_but_not_a_float() -> TestResult {
        let mut doc = doc();
        doc.put(ROOT, "a", -4_i64)?;
        doc.put(ROOT, "b", 7_u64)?;
        doc.put(ROOT, "c", u64::MAX)?;
        doc.put(ROOT, "d", 1.5_f64)?;
        assert_eq!(optional_int(&doc, &root(), "a"), Ok(Some(-4)));
        assert_eq!(optional_int(&doc, &root(), "b"), Ok(Some(7)));
        assert!(optional_int(&doc, &root(), "c").is_err());
        assert_eq!(
            optional_int(&doc, &root(), "d").expect_err("refused").problem,
            "expected int, got f64"
        );
        Ok(())
    }

    #[test]
    fn a_counter_reads_its_current_value_and_an_int_is_accepted() -> TestResult {
        let mut doc = doc();
        doc.put(ROOT, "reached", ScalarValue::counter(2))?;
        doc.increment(ROOT, "reached", 5)?;
        doc.put(ROOT, "women_reached", 3_i64)?;
        doc.put(ROOT, "other", "3")?;
        assert_eq!(optional_counter(&doc, &root(), "reached"), Ok(Some(7)));
        assert_eq!(optional_counter(&doc, &root(), "women_reached"), Ok(Some(3)));
        assert_eq!(
            optional_counter(&doc, &root(), "other").expect_err("refused").problem,
            "expected counter, got str"
        );
        Ok(())
    }

    #[test]
    fn a_set_keeps_only_members_set_to_true_in_sorted_order() -> TestResult {
        let mut doc = doc();
        let set_id = doc.put_object(ROOT, "languages", ObjType::Map)?;
        doc.put(&set_id, "fr", true)?;
        doc.put(&set_id, "ar", true)?;
        doc.put(&set_id, "en", false)?;
        doc.put(&set_id, "ff", 1_i64)?;
        assert_eq!(
            set(&doc, &root(), "languages"),
            Ok(vec!["ar".to_owned(), "fr".to_owned()])
        );
        assert_eq!(set(&doc, &root(), "interests"), Ok(vec![]));
        Ok(())
    }

    #[test]
    fn a_set_member_written_true_and_false_concurrently_follows_the_value_every_replica_shows() -> TestResult {
        for (left, right) in [(true, false), (false, true)] {
            let mut one = doc();
            let set_id = one.put_object(ROOT, "languages", ObjType::Map)?;
            one.put(&set_id, "fr", true)?;
            let mut two = one.fork();
            one.put(&set_id, "ar", left)?;
            two.put(&set_id, "ar", right)?;
            one.merge(&mut two)?;
            let shown = matches!(
                one.get(&set_id, "ar")?,
                Some((Value::Scalar(flag), _)) if matches!(flag.as_ref(), ScalarValue::Boolean(true))
            );
            let expected: Vec<String> = if shown {
                vec!["ar".into(), "fr".into()]
            } else {
                vec!["fr".into()]
            };
            assert_eq!(set(&one, &root(), "languages"), Ok(expected));
        }
        Ok(())
    }

    #[test]
    fn a_list_where_a_set_is_expected_is_refused() -> TestResult {
        let mut doc = doc();
        doc.put_object(ROOT, "languages", ObjType::List)?;
        assert_eq!(
            set(&doc, &root(), "languages").expect_err("refused").problem,
            "expected set (a map of member to true), got list"
        );
        Ok(())
    }

    #[test]
    fn a_set_member_outside_its_vocabulary_is_refused_with_its_path() -> TestResult {
        let mut doc = doc();
        let set_id = doc.put_object(ROOT, "interests", ObjType::Map)?;
        doc.put(&set_id, "job_search", true)?;
        assert_eq!(
            set_of::<Interest>(&doc, &root(), "interests"),
            Ok(vec![Interest::JobSearch])
        );
        doc.put(&set_id, "knitting", true)?;
        assert_eq!(
            set_of::<Interest>(&doc, &root(), "interests")
                .expect_err("refused")
                .path,
            "interests.knitting"
        );
        Ok(())
    }

    #[test]
    fn a_name_outside_the_vocabulary_is_refused_with_the_full_path() -> TestResult {
        let mut doc = doc();
        let list = doc.put_object(ROOT, "follow_ups", ObjType::List)?;
        let item = doc.insert_object(&list, 0, ObjType::Map)?;
        doc.put(&item, "kind", "phonecall")?;
        let map = MapRef::new(item, "follow_ups[2]");
        assert_eq!(
            optional_enum::<FollowUpKind>(&doc, &map, "kind")
                .expect_err("refused")
                .to_string(),
            "follow_ups[2].kind: expected one of call, visit, meeting, message, other, got \"phonecall\""
        );
        Ok(())
    }

    #[test]
    fn an_empty_typed_string_reads_as_absent() -> TestResult {
        let mut doc = doc();
        doc.put(ROOT, "stage", "")?;
        doc.put(ROOT, "at", "")?;
        assert_eq!(optional_enum::<FollowUpKind>(&doc, &root(), "stage"), Ok(None));
        assert_eq!(optional_datetime(&doc, &root(), "at"), Ok(None));
        Ok(())
    }

    #[test]
    fn dates_and_datetimes_are_checked() -> TestResult {
        let mut doc = doc();
        doc.put(ROOT, "date", "2026-11-29")?;
        doc.put(ROOT, "bad_date", "29/11/2026")?;
        doc.put(ROOT, "at", "2026-11-29T10:15:00Z")?;
        doc.put(ROOT, "bad_at", "2026-11-29T10:15:00+01:00")?;
        assert_eq!(required_date(&doc, &root(), "date"), Ok("2026-11-29".to_owned()));
        assert_eq!(
            required_date(&doc, &root(), "bad_date").expect_err("refused").path,
            "bad_date"
        );
        assert_eq!(
            required_datetime(&doc, &root(), "at"),
            Ok("2026-11-29T10:15:00Z".to_owned())
        );
        assert_eq!(
            required_datetime(&doc, &root(), "bad_at").expect_err("refused").path,
            "bad_at"
        );
        Ok(())
    }

    #[test]
    fn a_uuid_must_be_lowercase_and_hyphenated() -> TestResult {
        let id = DocumentId::random();
        let mut doc = doc();
        doc.put(ROOT, "id", id.to_string())?;
        doc.put(ROOT, "upper", id.to_string().to_uppercase())?;
        doc.put(ROOT, "simple", id.to_string().replace('-', ""))?;
        assert_eq!(required_uuid::<DocumentId>(&doc, &root(), "id"), Ok(id));
        assert!(required_uuid::<UserId>(&doc, &root(), "upper").is_err());
        assert!(required_uuid::<UserId>(&doc, &root(), "simple").is_err());
        Ok(())
    }
}
