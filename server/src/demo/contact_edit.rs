//! The edits an agent makes to a contact after meeting them again.

use automerge::transaction::Transactable;
use automerge::{AutomergeError, ObjType, Value, ROOT};
use relais_schema::{write, FollowUp, Interest, Stage};

/// One edit of an existing contact, applied as one Automerge change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactEdit {
    /// The person moved on in their journey.
    Stage(Stage),
    /// A follow-up was made.
    FollowUp(FollowUp),
    /// A new phone number.
    Phone(String),
    /// Another language spoken.
    AddLanguage(String),
    /// Another interest.
    AddInterest(Interest),
    /// A sentence added to the free notes (kept when someone else edits them too).
    AppendNote(String),
    /// The person moved.
    Moved {
        /// New neighbourhood.
        neighbourhood: String,
        /// New city.
        city: String,
    },
}

impl ContactEdit {
    /// Apply the edit to a contact document.
    pub fn apply(&self, tx: &mut impl Transactable) -> Result<(), AutomergeError> {
        match self {
            ContactEdit::Stage(stage) => write::set_stage(tx, *stage),
            ContactEdit::FollowUp(follow_up) => write::add_follow_up(tx, follow_up),
            ContactEdit::Phone(phone) => write::set_str(tx, "phone", phone),
            ContactEdit::AddLanguage(language) => write::add_to_set(tx, "languages", language),
            ContactEdit::AddInterest(interest) => write::add_to_set(tx, "interests", interest.as_str()),
            ContactEdit::AppendNote(sentence) => {
                let current = match tx.get(ROOT, "notes")? {
                    Some((Value::Object(ObjType::Text), text)) => tx.text(&text)?,
                    Some((Value::Scalar(scalar), _)) => scalar.as_str().map(str::to_owned).unwrap_or_default(),
                    _ => String::new(),
                };
                let updated = if current.is_empty() {
                    sentence.clone()
                } else {
                    format!("{current} {sentence}")
                };
                write::set_text(tx, "notes", &updated)
            }
            ContactEdit::Moved { neighbourhood, city } => {
                write::set_str(tx, "neighbourhood", neighbourhood)?;
                write::set_str(tx, "city", city)
            }
        }
    }
}
