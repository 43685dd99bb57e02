//! A read-only view of a document that reads each map once.
//!
//! Reading a record asks for its fields one key at a time, and in Automerge
//! 0.12 each [`ReadDoc::get`] seeks through the document's op columns: for a
//! contact that is most of the cost of reading it. This view fills a map's
//! keys in one pass ([`ReadDoc::map_range`]) the first time one of them is
//! asked for and answers later `get`s from there. A key holding concurrent
//! values or a counter is still read from the document, and every other
//! method is passed through. The view borrows the document, so it cannot
//! outlive a change to it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::RangeBounds;
use std::rc::Rc;

use automerge::hydrate;
use automerge::iter::{DocIter, Keys, ListRange, MapRange, Spans, Values};
use automerge::marks::{Mark, MarkSet};
use automerge::{
    AutomergeError, Change, ChangeHash, Cursor, CursorPosition, MoveCursor, ObjId, ObjType, Parents, Prop, ReadDoc,
    ScalarValue, Stats, TextEncoding, Value,
};

/// What a map key holds, as far as the view knows.
enum Entry {
    /// One value, not a counter.
    Plain(Value<'static>, ObjId),
    /// Concurrent values or a counter: ask the document.
    AskDocument,
}

/// The keys of one map.
type MapEntries = HashMap<String, Entry>;

/// A document whose map keys are read once each.
pub(crate) struct CachedDoc<'d, D> {
    doc: &'d D,
    maps: RefCell<HashMap<ObjId, Option<Rc<MapEntries>>>>,
}

impl<'d, D: ReadDoc> CachedDoc<'d, D> {
    pub(crate) fn new(doc: &'d D) -> Self {
        CachedDoc {
            doc,
            maps: RefCell::new(HashMap::new()),
        }
    }

    /// The keys of `obj`, if it is a map (`None` for a list or text).
    fn entries(&self, obj: &ObjId) -> Option<Rc<MapEntries>> {
        if let Some(known) = self.maps.borrow().get(obj) {
            return known.clone();
        }
        let entries = match self.doc.object_type(obj) {
            Ok(ObjType::Map | ObjType::Table) => Some(Rc::new(self.read_map(obj))),
            _ => None,
        };
        self.maps.borrow_mut().insert(obj.clone(), entries.clone());
        entries
    }

    fn read_map(&self, obj: &ObjId) -> MapEntries {
        self.doc
            .map_range(obj, ..)
            .map(|item| {
                let id = item.id();
                let value = item.value.into_value();
                let entry = match &value {
                    _ if item.conflict => Entry::AskDocument,
                    Value::Scalar(scalar) if matches!(scalar.as_ref(), ScalarValue::Counter(_)) => Entry::AskDocument,
                    _ => Entry::Plain(value, id),
                };
                (item.key.into_owned(), entry)
            })
            .collect()
    }
}

impl<D: ReadDoc> ReadDoc for CachedDoc<'_, D> {
    fn get<O: AsRef<ObjId>, P: Into<Prop>>(
        &self,
        obj: O,
        prop: P,
    ) -> Result<Option<(Value<'_>, ObjId)>, AutomergeError> {
        let prop = prop.into();
        if let Prop::Map(key) = &prop {
            if let Some(entries) = self.entries(obj.as_ref()) {
                match entries.get(key.as_str()) {
                    None => return Ok(None),
                    Some(Entry::Plain(value, id)) => return Ok(Some((value.clone(), id.clone()))),
                    Some(Entry::AskDocument) => {}
                }
            }
        }
        self.doc.get(obj, prop)
    }

    fn parents<O: AsRef<ObjId>>(&self, obj: O) -> Result<Parents<'_>, AutomergeError> {
        self.doc.parents(obj)
    }

    fn parents_at<O: AsRef<ObjId>>(&self, obj: O, heads: &[ChangeHash]) -> Result<Parents<'_>, AutomergeError> {
        self.doc.parents_at(obj, heads)
    }

    fn keys<O: AsRef<ObjId>>(&self, obj: O) -> Keys<'_> {
        self.doc.keys(obj)
    }

    fn keys_at<O: AsRef<ObjId>>(&self, obj: O, heads: &[ChangeHash]) -> Keys<'_> {
        self.doc.keys_at(obj, heads)
    }

    fn iter_at<O: AsRef<ObjId>>(&self, obj: O, heads: Option<&[ChangeHash]>) -> DocIter<'_> {
        self.doc.iter_at(obj, heads)
    }

    fn map_range<'a, O: AsRef<ObjId>, R: RangeBounds<String> + 'a>(&'a self, obj: O, range: R) -> MapRange<'a> {
        self.doc.map_range(obj, range)
    }

    fn map_range_at<'a, O: AsRef<ObjId>, R: RangeBounds<String> + 'a>(
        &'a self,
        obj: O,
        range: R,
        heads: &[ChangeHash],
    ) -> MapRange<'a> {
        self.doc.map_range_at(obj, range, heads)
    }

    fn list_range<O: AsRef<ObjId>, R: RangeBounds<usize>>(&self, obj: O, range: R) -> ListRange<'_> {
        self.doc.list_range(obj, range)
    }

    fn list_range_at<O: AsRef<ObjId>, R: RangeBounds<usize>>(
        &self,
        obj: O,
        range: R,
        heads: &[ChangeHash],
    ) -> ListRange<'_> {
        self.doc.list_range_at(obj, range, heads)
    }

    fn values<O: AsRef<ObjId>>(&self, obj: O) -> Values<'_> {
        self.doc.values(obj)
    }

    fn values_at<O: AsRef<ObjId>>(&self, obj: O, heads: &[ChangeHash]) -> Values<'_> {
        self.doc.values_at(obj, heads)
    }

    fn length<O: AsRef<ObjId>>(&self, obj: O) -> usize {
        self.doc.length(obj)
    }

    fn length_at<O: AsRef<ObjId>>(&self, obj: O, heads: &[ChangeHash]) -> usize {
        self.doc.length_at(obj, heads)
    }

    fn object_type<O: AsRef<ObjId>>(&self, obj: O) -> Result<ObjType, AutomergeError> {
        self.doc.object_type(obj)
    }

    fn marks<O: AsRef<ObjId>>(&self, obj: O) -> Result<Vec<Mark>, AutomergeError> {
        self.doc.marks(obj)
    }

    fn marks_at<O: AsRef<ObjId>>(&self, obj: O, heads: &[ChangeHash]) -> Result<Vec<Mark>, AutomergeError> {
        self.doc.marks_at(obj, heads)
    }

    fn get_marks<O: AsRef<ObjId>>(
        &self,
        obj: O,
        index: usize,
        heads: Option<&[ChangeHash]>,
    ) -> Result<MarkSet, AutomergeError> {
        self.doc.get_marks(obj, index, heads)
    }

    fn text<O: AsRef<ObjId>>(&self, obj: O) -> Result<String, AutomergeError> {
        self.doc.text(obj)
    }

    fn text_at<O: AsRef<ObjId>>(&self, obj: O, heads: &[ChangeHash]) -> Result<String, AutomergeError> {
        self.doc.text_at(obj, heads)
    }

    fn spans<O: AsRef<ObjId>>(&self, obj: O) -> Result<Spans<'_>, AutomergeError> {
        self.doc.spans(obj)
    }

    fn spans_at<O: AsRef<ObjId>>(&self, obj: O, heads: &[ChangeHash]) -> Result<Spans<'_>, AutomergeError> {
        self.doc.spans_at(obj, heads)
    }

    fn get_cursor<O: AsRef<ObjId>, I: Into<CursorPosition>>(
        &self,
        obj: O,
        position: I,
        at: Option<&[ChangeHash]>,
    ) -> Result<Cursor, AutomergeError> {
        self.doc.get_cursor(obj, position, at)
    }

    fn get_cursor_moving<O: AsRef<ObjId>, I: Into<CursorPosition>>(
        &self,
        obj: O,
        position: I,
        at: Option<&[ChangeHash]>,
        move_cursor: MoveCursor,
    ) -> Result<Cursor, AutomergeError> {
        self.doc.get_cursor_moving(obj, position, at, move_cursor)
    }

    fn get_cursor_position<O: AsRef<ObjId>>(
        &self,
        obj: O,
        cursor: &Cursor,
        at: Option<&[ChangeHash]>,
    ) -> Result<usize, AutomergeError> {
        self.doc.get_cursor_position(obj, cursor, at)
    }

    fn get_at<O: AsRef<ObjId>, P: Into<Prop>>(
        &self,
        obj: O,
        prop: P,
        heads: &[ChangeHash],
    ) -> Result<Option<(Value<'_>, ObjId)>, AutomergeError> {
        self.doc.get_at(obj, prop, heads)
    }

    fn hydrate<O: AsRef<ObjId>>(&self, obj: O, heads: Option<&[ChangeHash]>) -> Result<hydrate::Value, AutomergeError> {
        self.doc.hydrate(obj, heads)
    }

    fn get_all<O: AsRef<ObjId>, P: Into<Prop>>(
        &self,
        obj: O,
        prop: P,
    ) -> Result<Vec<(Value<'_>, ObjId)>, AutomergeError> {
        self.doc.get_all(obj, prop)
    }

    fn get_all_at<O: AsRef<ObjId>, P: Into<Prop>>(
        &self,
        obj: O,
        prop: P,
        heads: &[ChangeHash],
    ) -> Result<Vec<(Value<'_>, ObjId)>, AutomergeError> {
        self.doc.get_all_at(obj, prop, heads)
    }

    fn get_missing_deps(&self, heads: &[ChangeHash]) -> Vec<ChangeHash> {
        self.doc.get_missing_deps(heads)
    }

    fn get_change_by_hash(&self, hash: &ChangeHash) -> Option<Change> {
        self.doc.get_change_by_hash(hash)
    }

    fn stats(&self) -> Stats {
        self.doc.stats()
    }

    fn text_encoding(&self) -> TextEncoding {
        self.doc.text_encoding()
    }
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{AutoCommit, ROOT};

    use super::*;
    use crate::fixtures::{self, TestResult};
    use crate::write::{set_str, write_contact};

    /// Every key of `obj` read through the view and straight from `doc`.
    fn same_answers(doc: &AutoCommit, obj: &ObjId) -> TestResult {
        let view = CachedDoc::new(doc);
        let mut keys: Vec<String> = doc.keys(obj).collect();
        keys.push("absent".to_owned());
        for key in keys {
            assert_eq!(view.get(obj, key.as_str())?, doc.get(obj, key.as_str())?, "key {key}");
        }
        Ok(())
    }

    #[test]
    fn the_view_reads_every_key_as_the_document_does() -> TestResult {
        let mut doc = AutoCommit::new();
        write_contact(&mut doc, &fixtures::full_contact()?)?;
        doc.put(ROOT, "visits", ScalarValue::counter(2))?;
        doc.increment(ROOT, "visits", 3)?;
        doc.put(ROOT, "cleared", ScalarValue::Null)?;
        same_answers(&doc, &ROOT)?;
        let Some((_, consent)) = doc.get(ROOT, "consent")? else {
            return Err("no consent map".into());
        };
        same_answers(&doc, &consent)
    }

    #[test]
    fn a_key_with_concurrent_values_reads_the_winner_as_the_document_does() -> TestResult {
        let mut phone_a = fixtures::doc_with_actor(1);
        write_contact(&mut phone_a, &fixtures::full_contact()?)?;
        let mut phone_b = fixtures::fork_with_actor(&mut phone_a, 2);
        set_str(&mut phone_a, "city", "Lyon")?;
        set_str(&mut phone_b, "city", "Bron")?;
        phone_a.merge(&mut phone_b)?;
        same_answers(&phone_a, &ROOT)
    }
}
