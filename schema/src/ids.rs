//! Identifiers that cross crate boundaries, parsed once at the edge.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// An identifier that was not a UUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} is not a valid id: {input:?}")]
pub struct InvalidId {
    kind: &'static str,
    input: String,
}

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh random id.
            pub fn random() -> Self {
                Self(Uuid::new_v4())
            }

            /// A fresh id that sorts after the ids made before it (a version 7
            /// UUID: 48 bits of Unix time in milliseconds, then 74 random
            /// bits). Records are made with these, so that the store's
            /// indexes keyed by document id grow at their end instead of
            /// taking each new row at a random place: a batch of new records
            /// then rewrites a few index pages, not most of them.
            pub fn time_ordered() -> Self {
                Self(Uuid::now_v7())
            }

            /// The id from its 16 bytes.
            pub fn from_bytes(bytes: [u8; 16]) -> Self {
                Self(Uuid::from_bytes(bytes))
            }

            /// The id from a byte slice of length 16.
            pub fn from_slice(bytes: &[u8]) -> Result<Self, InvalidId> {
                Uuid::from_slice(bytes).map(Self).map_err(|_| InvalidId {
                    kind: $kind,
                    input: format!("{} bytes", bytes.len()),
                })
            }

            /// The 16 bytes of the id.
            pub fn as_bytes(&self) -> &[u8; 16] {
                self.0.as_bytes()
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                // Only the canonical hyphenated form, so that one id has one spelling.
                if s.len() != 36 {
                    return Err(InvalidId { kind: $kind, input: s.chars().take(64).collect() });
                }
                Uuid::parse_str(s).map(Self).map_err(|_| InvalidId {
                    kind: $kind,
                    input: s.chars().take(64).collect(),
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
    };
}

uuid_id!(
    /// The id of a record document (a contact, a session or a visit).
    DocumentId,
    "document id"
);
uuid_id!(
    /// The id of an agency.
    AgencyId,
    "agency id"
);
uuid_id!(
    /// The id of a user account.
    UserId,
    "user id"
);
uuid_id!(
    /// The id of an enrolled device.
    DeviceId,
    "device id"
);
uuid_id!(
    /// The id of a follow-up inside a contact document.
    FollowUpId,
    "follow-up id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_id_round_trips_through_its_text_form() {
        let id = DocumentId::random();
        let parsed: DocumentId = id.to_string().parse().expect("canonical form parses");
        assert_eq!(parsed, id);
    }

    #[test]
    fn time_ordered_ids_sort_in_the_order_they_were_made() {
        let ids: Vec<DocumentId> = (0..1000).map(|_| DocumentId::time_ordered()).collect();
        assert!(ids.windows(2).all(|pair| pair[0] < pair[1]));
        // Their text form, which the store's indexes hold, sorts the same way.
        let texts: Vec<String> = ids.iter().map(ToString::to_string).collect();
        assert!(texts.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(ids.iter().all(|id| id.to_string().as_bytes()[14] == b'7'));
    }

    #[test]
    fn a_non_canonical_or_garbage_id_is_refused() {
        assert!("not-a-uuid".parse::<DocumentId>().is_err());
        assert!("67e5504410b1426f9247bb680e5fe0c8".parse::<DocumentId>().is_err());
        assert!(DocumentId::from_slice(&[1, 2, 3]).is_err());
    }
}
