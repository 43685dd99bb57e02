use relais_curation::duplicates::{find_duplicates, Reason};
use relais_schema::DocumentId;
use relais_server::phone::Phone;
use relais_server::records::create_contact;
use relais_tests::app::spawn_app;
use relais_tests::world::AT;

use crate::support::read;

fn person(phone: &mut Phone, given: &str, family: &str, number: Option<&str>, born: Option<(u16, &str)>) -> DocumentId {
    let author = phone.author();
    create_contact(&mut phone.device, author, AT, given, family, |c| {
        c.phone = number.map(|n| n.parse().expect("a phone number"));
        c.birth_year = born.map(|(year, _)| year);
        c.nationality = born.map(|(_, country)| country.parse().expect("a country"));
    })
    .expect("contact")
}

fn pair(a: DocumentId, b: DocumentId) -> (DocumentId, DocumentId) {
    (a.min(b), a.max(b))
}

#[test]
fn people_with_the_same_phone_or_a_similar_name_are_paired_and_ranked() {
    // Arrange
    let app = spawn_app();
    let mut amina = app.agent_phone("amina");
    let mut yasmine = app.foreign_agent_phone("yasmine");
    let twice_a = person(
        &mut amina,
        "Amina",
        "Diallo",
        Some("06 12 34 56 78"),
        Some((1994, "ML")),
    );
    let twice_b = person(
        &mut amina,
        "Aminata",
        "DIALLO",
        Some("+33 6 12 34 56 78"),
        Some((1994, "ML")),
    );
    let spelled_a = person(
        &mut amina,
        "Mohamed",
        "Traoré",
        Some("07 00 00 00 01"),
        Some((1990, "SN")),
    );
    let spelled_b = person(&mut amina, "Mohammed", "Traore", None, Some((1990, "SN")));
    let shared_a = person(&mut amina, "Fatou", "Keita", Some("06 99 88 77 66"), Some((1980, "GN")));
    let shared_b = person(
        &mut amina,
        "Ibrahima",
        "Keita",
        Some("06 99 88 77 66"),
        Some((2005, "GN")),
    );
    person(&mut amina, "Mohamed", "Traoré", None, Some((1991, "SN")));
    person(&mut amina, "Awa", "Ndiaye", None, None);
    person(
        &mut yasmine,
        "Amina",
        "Diallo",
        Some("06 12 34 56 78"),
        Some((1994, "ML")),
    );
    amina.sync_until_idle(10).expect("sync");
    yasmine.sync_until_idle(10).expect("sync");

    // Act
    let found = read(&app, |conn| find_duplicates(conn, app.agency, 100)).expect("duplicates");

    // Assert: three pairs, best first, none across agencies.
    let pairs: Vec<_> = found
        .iter()
        .map(|p| (pair(p.a.id, p.b.id), p.reasons.clone()))
        .collect();
    assert_eq!(
        pairs,
        vec![
            (
                pair(twice_a, twice_b),
                vec![Reason::Phone, Reason::NameBirthYearNationality]
            ),
            (pair(shared_a, shared_b), vec![Reason::Phone]),
            (pair(spelled_a, spelled_b), vec![Reason::NameBirthYearNationality]),
        ],
        "{found:#?}"
    );
    assert!(found.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(found[0].score > 0.9 && found[0].score <= 1.0);
    assert!(found
        .iter()
        .all(|p| p.a.agency_id == app.agency && p.b.agency_id == app.agency));
}
