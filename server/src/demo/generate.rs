//! Realistic records drawn from a seeded generator.
//!
//! The demo seeder and the device simulator both build their contacts,
//! sessions and visits here, so that what a newcomer sees and what the
//! benchmarks push have the same shape: names in two scripts, phone numbers,
//! languages, consent, journey stages, follow-ups. The same seed gives the
//! same records (document ids aside, which devices draw themselves).

use std::collections::BTreeSet;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use relais_schema::{
    AgeBand, AgencyId, AttendanceStatus, Common, Consent, ConsentScope, Contact, DocumentId, Education, FollowUp,
    FollowUpId, FollowUpKind, Interest, Session, SessionKind, Sex, Stage, UserId, Visit, SCHEMA_VERSION,
};
use time::{Date, Duration};

use super::contact_edit::ContactEdit;
use super::names::{
    Origin, Spelling, CONTACT_NOTES, COUNSELLORS, FOLLOW_UP_NOTES, NEIGHBOURHOODS, ORIGINS, SESSION_PLACES,
    SESSION_TOPICS, SKILLS, VISIT_NOTES, VISIT_PLACES,
};

/// Who writes a record: the user and their agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Author {
    /// The user (agent).
    pub user: UserId,
    /// Their agency.
    pub agency: AgencyId,
}

/// A person already recorded, so that a later contact can be the same person
/// written in the other script (a duplicate for supervisors to review).
#[derive(Debug, Clone)]
struct Person {
    origin: &'static Origin,
    female: bool,
    given: Spelling,
    family: Spelling,
    native_script: bool,
    phone: Option<String>,
    birth_year: Option<u16>,
}

/// Draws records. One generator per device (or for the whole demo) keeps the
/// sequence reproducible.
#[derive(Debug)]
pub struct RecordGenerator {
    rng: StdRng,
    today: Date,
    people: Vec<Person>,
}

/// `items[i]` for a random `i`. The tables it is used on are non-empty constants.
fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// A value drawn according to its relative weight.
fn weighted<T: Copy>(rng: &mut StdRng, items: &[(T, u32)]) -> T {
    let total: u32 = items.iter().map(|(_, w)| w).sum();
    let mut roll = rng.gen_range(0..total.max(1));
    for (item, weight) in items {
        if roll < *weight {
            return *item;
        }
        roll -= weight;
    }
    items[items.len() - 1].0
}

/// `YYYY-MM-DD`.
pub fn date_string(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// `YYYY-MM-DDTHH:MM:00Z`.
pub fn datetime_string(date: Date, hour: u8, minute: u8) -> String {
    format!("{}T{hour:02}:{minute:02}:00Z", date_string(date))
}

/// The date part of a `datetime` or `date` string, if it is one.
pub fn parse_date(text: &str) -> Option<Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text.get(..10)?, &format).ok()
}

/// The fields every record has.
pub fn common(id: DocumentId, author: Author, created_at: String) -> Common {
    Common {
        schema: SCHEMA_VERSION,
        id,
        agency_id: author.agency,
        created_by: author.user,
        created_at,
    }
}

impl RecordGenerator {
    /// A generator seeded with `seed`, for records dated up to `today`.
    pub fn new(seed: u64, today: Date) -> Self {
        Self {
            rng: StdRng::seed_from_u64(seed),
            today,
            people: Vec::new(),
        }
    }

    /// The generator's random source, for choices the caller makes.
    pub fn rng(&mut self) -> &mut StdRng {
        &mut self.rng
    }

    /// The last day records may be dated.
    pub fn today(&self) -> Date {
        self.today
    }

    /// The day `days` before today.
    pub fn days_ago(&self, days: i64) -> Date {
        self.today - Duration::days(days)
    }

    /// A time during working hours on `date`.
    pub fn working_time(&mut self, date: Date) -> String {
        let hour = self.rng.gen_range(9..18);
        let minute = self.rng.gen_range(0..60);
        datetime_string(date, hour, minute)
    }

    /// A contact met on `met`, written by `author`.
    pub fn contact(&mut self, id: DocumentId, author: Author, met: Date) -> Contact {
        let created_at = self.working_time(met);
        if self.rng.gen_bool(0.08) {
            return self.anonymous_contact(id, author, created_at);
        }
        let person = self.person();
        let rng = &mut self.rng;
        let (given_name, family_name, alias) = if person.native_script {
            let given = person.given.native.unwrap_or(person.given.french);
            let family = person.family.native.unwrap_or(person.family.french);
            // Half the time the agent also notes the French spelling.
            let alias = rng
                .gen_bool(0.5)
                .then(|| format!("{} {}", person.given.french, person.family.french));
            (given.to_owned(), family.to_owned(), alias)
        } else {
            (person.given.french.to_owned(), person.family.french.to_owned(), None)
        };
        let origin = person.origin;
        let mut languages: BTreeSet<String> = BTreeSet::new();
        languages.insert(origin.languages[0].to_owned());
        for language in &origin.languages[1..] {
            if rng.gen_bool(0.35) {
                languages.insert((*language).to_owned());
            }
        }
        if rng.gen_bool(0.3) {
            languages.insert("fr".to_owned());
        }
        let age_band = match person.birth_year {
            Some(_) => None,
            None if rng.gen_bool(0.7) => Some(weighted(
                rng,
                &[
                    (AgeBand::Under18, 1),
                    (AgeBand::From18To25, 6),
                    (AgeBand::From26To35, 8),
                    (AgeBand::From36To45, 5),
                    (AgeBand::From46To60, 3),
                    (AgeBand::Over60, 1),
                ],
            )),
            None => None,
        };
        let (neighbourhood, city) = *pick(rng, NEIGHBOURHOODS);
        let skills = rng.gen_bool(0.6).then(|| {
            let first = *pick(rng, SKILLS);
            if rng.gen_bool(0.25) {
                format!("{first}, {}", pick(rng, SKILLS))
            } else {
                first.to_owned()
            }
        });
        let mut interests = BTreeSet::new();
        interests.insert(weighted(
            rng,
            &[
                (Interest::VocationalTraining, 5),
                (Interest::JobSearch, 6),
                (Interest::SelfEmployment, 2),
                (Interest::Other, 1),
            ],
        ));
        if rng.gen_bool(0.35) {
            interests.insert(*pick(rng, Interest::ALL));
        }
        let mut scope = BTreeSet::from([ConsentScope::Record]);
        if rng.gen_bool(0.75) {
            scope.insert(ConsentScope::CallBack);
        }
        if rng.gen_bool(0.45) {
            scope.insert(ConsentScope::ShareWithServices);
        }
        let days_known = (self.today - met).whole_days();
        let stage = self.stage(days_known);
        let follow_ups = self.follow_ups(author, met);
        let rng = &mut self.rng;
        let notes = rng.gen_bool(0.35).then(|| (*pick(rng, CONTACT_NOTES)).to_owned());
        Contact {
            common: common(id, author, created_at.clone()),
            given_name: Some(given_name),
            family_name: Some(family_name),
            alias,
            sex: Some(if person.female { Sex::Female } else { Sex::Male }),
            birth_year: person.birth_year,
            age_band,
            nationality: origin.country.parse().ok(),
            status: Some(weighted(rng, origin.statuses)),
            phone: person.phone.as_deref().and_then(|p| p.parse().ok()),
            languages,
            neighbourhood: Some(neighbourhood.to_owned()),
            city: Some(city.to_owned()),
            education: Some(weighted(
                rng,
                &[
                    (Education::None, 2),
                    (Education::Primary, 4),
                    (Education::Secondary, 6),
                    (Education::Vocational, 3),
                    (Education::Higher, 3),
                    (Education::Undisclosed, 1),
                ],
            )),
            skills,
            interests,
            consent: Consent {
                given: true,
                at: Some(created_at),
                by: Some(author.user),
                scope,
            },
            stage: Some(stage),
            follow_ups,
            notes,
            merged_into: None,
        }
    }

    /// A new person, or now and then one met before, written in the other script.
    fn person(&mut self) -> Person {
        if !self.people.is_empty() && self.rng.gen_bool(0.04) {
            let mut again = pick(&mut self.rng, &self.people).clone();
            if again.given.native.is_some() {
                again.native_script = !again.native_script;
            }
            return again;
        }
        let rng = &mut self.rng;
        let weights: Vec<(usize, u32)> = ORIGINS.iter().enumerate().map(|(i, o)| (i, o.weight)).collect();
        let origin = &ORIGINS[weighted(rng, &weights)];
        let female = rng.gen_bool(0.48);
        let given = *pick(rng, if female { origin.female } else { origin.male });
        let family = *pick(rng, origin.family);
        let native_script = given.native.is_some() && rng.gen_bool(0.3);
        let phone = match rng.gen_range(0..100) {
            0..=69 => Some(format!(
                "0{} {:02} {:02} {:02} {:02}",
                pick(rng, &[6, 7]),
                rng.gen_range(0..100),
                rng.gen_range(0..100),
                rng.gen_range(0..100),
                rng.gen_range(0..100)
            )),
            70..=79 => Some(format!(
                "+33 {} {:02} {:02} {:02} {:02}",
                pick(rng, &[6, 7]),
                rng.gen_range(0..100),
                rng.gen_range(0..100),
                rng.gen_range(0..100),
                rng.gen_range(0..100)
            )),
            80..=86 => Some(format!(
                "{} {} {:03} {:04}",
                origin.dialling,
                rng.gen_range(10..100),
                rng.gen_range(0..1000),
                rng.gen_range(0..10_000)
            )),
            _ => None,
        };
        let birth_year = rng
            .gen_bool(0.7)
            .then(|| (self.today.year() - rng.gen_range(17..63)) as u16);
        let person = Person {
            origin,
            female,
            given,
            family,
            native_script,
            phone,
            birth_year,
        };
        self.people.push(person.clone());
        person
    }

    /// Someone who did not consent to being recorded: no name, no phone.
    fn anonymous_contact(&mut self, id: DocumentId, author: Author, created_at: String) -> Contact {
        let rng = &mut self.rng;
        let female = rng.gen_bool(0.5);
        let (neighbourhood, city) = *pick(rng, NEIGHBOURHOODS);
        let place = pick(rng, VISIT_PLACES);
        let origin = pick(rng, ORIGINS);
        Contact {
            common: common(id, author, created_at.clone()),
            given_name: None,
            family_name: None,
            alias: Some(format!(
                "{} rencontré{} ({place})",
                if female { "Femme" } else { "Homme" },
                if female { "e" } else { "" }
            )),
            sex: Some(if female { Sex::Female } else { Sex::Male }),
            birth_year: None,
            age_band: Some(*pick(rng, &[AgeBand::From18To25, AgeBand::From26To35])),
            nationality: None,
            status: Some(relais_schema::MigrationStatus::Undisclosed),
            phone: None,
            languages: [origin.languages[0].to_owned()].into(),
            neighbourhood: Some(neighbourhood.to_owned()),
            city: Some(city.to_owned()),
            education: None,
            skills: None,
            interests: BTreeSet::new(),
            consent: Consent {
                given: false,
                at: Some(created_at),
                by: Some(author.user),
                scope: BTreeSet::new(),
            },
            stage: Some(Stage::Contacted),
            follow_ups: Vec::new(),
            notes: None,
            merged_into: None,
        }
    }

    /// A journey stage; people known for longer have gone further.
    fn stage(&mut self, days_known: i64) -> Stage {
        let later = u32::try_from(days_known.clamp(0, 120) / 10).unwrap_or(0);
        weighted(
            &mut self.rng,
            &[
                (Stage::Contacted, 30),
                (Stage::Informed, 25),
                (Stage::Registered, 4 + 2 * later),
                (Stage::InTraining, 1 + 2 * later),
                (Stage::Accompanied, 1 + later),
                (Stage::Employed, later),
                (Stage::SelfEmployed, later / 3),
            ],
        )
    }

    fn follow_ups(&mut self, author: Author, met: Date) -> Vec<FollowUp> {
        let days = (self.today - met).whole_days().max(0);
        let count = if days == 0 {
            0
        } else {
            weighted(&mut self.rng, &[(0, 4), (1, 3), (2, 2), (3, 1)])
        };
        let mut offsets: Vec<i64> = (0..count).map(|_| self.rng.gen_range(1..=days.max(1))).collect();
        offsets.sort_unstable();
        offsets
            .into_iter()
            .map(|offset| self.follow_up(author, met + Duration::days(offset)))
            .collect()
    }

    /// A follow-up on `on` by `author`.
    pub fn follow_up(&mut self, author: Author, on: Date) -> FollowUp {
        let rng = &mut self.rng;
        FollowUp {
            id: FollowUpId::from_bytes(rng.gen()),
            at: date_string(on.min(self.today)),
            kind: weighted(
                rng,
                &[
                    (FollowUpKind::Call, 6),
                    (FollowUpKind::Message, 3),
                    (FollowUpKind::Meeting, 3),
                    (FollowUpKind::Visit, 2),
                    (FollowUpKind::Other, 1),
                ],
            ),
            note: rng.gen_bool(0.7).then(|| (*pick(rng, FOLLOW_UP_NOTES)).to_owned()),
            by: Some(author.user),
        }
    }

    /// A session starting on `day`, run by `facilitators` and a counsellor;
    /// attendance is marked later, as edits.
    pub fn session(
        &mut self,
        id: DocumentId,
        author: Author,
        created: Date,
        day: Date,
        facilitators: &[UserId],
    ) -> Session {
        let created_at = self.working_time(created);
        let rng = &mut self.rng;
        let morning = rng.gen_bool(0.5);
        let (start, end) = if morning { (9, 11) } else { (14, 16) };
        let mut who: BTreeSet<String> = facilitators
            .iter()
            .filter(|_| rng.gen_bool(0.7))
            .map(ToString::to_string)
            .collect();
        who.insert((*pick(rng, COUNSELLORS)).to_owned());
        Session {
            common: common(id, author, created_at),
            kind: weighted(
                rng,
                &[
                    (SessionKind::Information, 5),
                    (SessionKind::Accompaniment, 3),
                    (SessionKind::Workshop, 2),
                ],
            ),
            topic: (*pick(rng, SESSION_TOPICS)).to_owned(),
            starts_at: datetime_string(day, start, 30),
            ends_at: Some(datetime_string(day, end, 30)),
            place: Some((*pick(rng, SESSION_PLACES)).to_owned()),
            facilitators: who,
            attendance: Vec::new(),
            notes: rng
                .gen_bool(0.3)
                .then(|| "Prévoir un interprète arabe et dari.".to_owned()),
        }
    }

    /// An outreach visit on `day` by `agents`.
    pub fn visit(&mut self, id: DocumentId, author: Author, day: Date, agents: &[UserId]) -> Visit {
        let created_at = self.working_time(day);
        let rng = &mut self.rng;
        let reached = rng.gen_range(3..=25);
        let women_reached = rng.gen_range(0..=reached);
        let mut topics = BTreeSet::new();
        for _ in 0..rng.gen_range(1..=3) {
            topics.insert(*pick(rng, Interest::ALL));
        }
        Visit {
            common: common(id, author, created_at),
            date: date_string(day),
            agents: agents.iter().copied().collect(),
            neighbourhood: pick(rng, NEIGHBOURHOODS).0.to_owned(),
            place: Some((*pick(rng, VISIT_PLACES)).to_owned()),
            reached,
            women_reached,
            topics,
            notes: rng.gen_bool(0.4).then(|| (*pick(rng, VISIT_NOTES)).to_owned()),
        }
    }

    /// An attendance status, mostly `present`.
    pub fn attendance_status(&mut self) -> AttendanceStatus {
        weighted(
            &mut self.rng,
            &[
                (AttendanceStatus::Present, 80),
                (AttendanceStatus::Absent, 12),
                (AttendanceStatus::Excused, 8),
            ],
        )
    }

    /// An edit an agent makes to an existing contact on `on`.
    pub fn contact_edit(&mut self, author: Author, on: Date) -> ContactEdit {
        match self.rng.gen_range(0..100) {
            0..=29 => ContactEdit::Stage(weighted(
                &mut self.rng,
                &[
                    (Stage::Informed, 4),
                    (Stage::Registered, 4),
                    (Stage::InTraining, 2),
                    (Stage::Accompanied, 2),
                    (Stage::Employed, 1),
                ],
            )),
            30..=54 => ContactEdit::FollowUp(self.follow_up(author, on)),
            55..=64 => ContactEdit::Phone(format!(
                "07 {:02} {:02} {:02} {:02}",
                self.rng.gen_range(0..100),
                self.rng.gen_range(0..100),
                self.rng.gen_range(0..100),
                self.rng.gen_range(0..100)
            )),
            65..=74 => {
                ContactEdit::AddLanguage((*pick(&mut self.rng, &["fr", "en", "ar", "fa", "ff", "uk"])).to_owned())
            }
            75..=84 => ContactEdit::AddInterest(*pick(&mut self.rng, Interest::ALL)),
            85..=92 => ContactEdit::AppendNote((*pick(&mut self.rng, CONTACT_NOTES)).to_owned()),
            _ => {
                let (neighbourhood, city) = *pick(&mut self.rng, NEIGHBOURHOODS);
                ContactEdit::Moved {
                    neighbourhood: neighbourhood.to_owned(),
                    city: city.to_owned(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn author() -> Author {
        Author {
            user: UserId::random(),
            agency: AgencyId::random(),
        }
    }

    #[test]
    fn generated_records_pass_validation() -> Result<(), Box<dyn std::error::Error>> {
        let today = Date::from_calendar_date(2026, time::Month::November, 29)?;
        let mut generator = RecordGenerator::new(7, today);
        let who = author();
        for day in 0..400 {
            let met = generator.days_ago(day % 120);
            let contact = generator.contact(DocumentId::random(), who, met);
            let mut doc = automerge::AutoCommit::new();
            relais_schema::write::write_contact(&mut doc, &contact)?;
            assert_eq!(Contact::from_doc(&doc)?, contact);
        }
        let session = generator.session(DocumentId::random(), who, today, today, &[who.user]);
        let mut doc = automerge::AutoCommit::new();
        relais_schema::write::write_session(&mut doc, &session)?;
        assert_eq!(Session::from_doc(&doc)?, session);
        let visit = generator.visit(DocumentId::random(), who, today, &[who.user]);
        let mut doc = automerge::AutoCommit::new();
        relais_schema::write::write_visit(&mut doc, &visit)?;
        assert_eq!(Visit::from_doc(&doc)?, visit);
        Ok(())
    }

    #[test]
    fn the_same_seed_draws_the_same_records() -> Result<(), Box<dyn std::error::Error>> {
        let today = Date::from_calendar_date(2026, time::Month::November, 29)?;
        let who = author();
        let id = DocumentId::random();
        let draw = || {
            let mut generator = RecordGenerator::new(42, today);
            (0..20).map(|_| generator.contact(id, who, today)).collect::<Vec<_>>()
        };
        // Follow-up ids are drawn too, so whole records compare equal.
        assert_eq!(draw(), draw());
        Ok(())
    }
}
