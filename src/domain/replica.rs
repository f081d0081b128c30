//! The book as two machines exchange it (`ties sync`): rows keyed by stable uids, with
//! every reference to another row written as that row's uid, never a local id. The
//! store reads and writes these rows; the sync document stores them. Pure types only.

/// A table of the book that syncs. `review_done` (the day's finished review items)
/// stays on the machine that did the review: the interaction a "done" records syncs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    Contacts,
    Fields,
    Tags,
    Referrals,
    Events,
    Interactions,
    Snoozes,
    LetGo,
}

/// What a column holds: a plain value, or the uid of a contact or of a referral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Plain(&'static str),
    Contact(&'static str),
    Referral(&'static str),
}

impl Column {
    pub fn name(self) -> &'static str {
        match self {
            Column::Plain(n) | Column::Contact(n) | Column::Referral(n) => n,
        }
    }
}

use Column::{Contact, Plain, Referral};

impl Table {
    /// Every synced table, in the order rows are written: a row after the rows it names.
    pub const ALL: [Table; 8] = [
        Table::Contacts,
        Table::Referrals,
        Table::Events,
        Table::Interactions,
        Table::Fields,
        Table::Tags,
        Table::Snoozes,
        Table::LetGo,
    ];

    /// The table's name in the database (and in `sync_pending`).
    pub fn name(self) -> &'static str {
        match self {
            Table::Contacts => "contacts",
            Table::Fields => "contact_fields",
            Table::Tags => "tags",
            Table::Referrals => "referrals",
            Table::Events => "referral_events",
            Table::Interactions => "interactions",
            Table::Snoozes => "snoozes",
            Table::LetGo => "let_go",
        }
    }

    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The columns a row carries, in order (its key is apart).
    pub fn columns(self) -> &'static [Column] {
        match self {
            Table::Contacts => &[
                Plain("name"),
                Plain("company"),
                Plain("title"),
                Plain("circle"),
                Plain("how_met"),
                Plain("notes"),
                Plain("cadence_days"),
                Plain("do_not_ask"),
                Plain("closeness"),
                Plain("vcard_extra"),
                Plain("created_on"),
                Plain("archived_on"),
            ],
            Table::Fields => &[
                Contact("contact"),
                Plain("kind"),
                Plain("label"),
                Plain("value"),
                Plain("position"),
            ],
            Table::Tags => &[Contact("contact"), Plain("tag")],
            Table::Referrals => &[
                Contact("referrer"),
                Contact("person"),
                Contact("recipient"),
                Plain("quality"),
                Plain("status"),
                Plain("referred_on"),
                Plain("value"),
                Plain("reason"),
                Plain("note"),
                Plain("message_id"),
                Plain("won_value"),
            ],
            Table::Events => &[Referral("referral"), Plain("status"), Plain("occurred_on")],
            Table::Interactions => &[
                Contact("contact"),
                Plain("occurred_on"),
                Plain("kind"),
                Plain("direction"),
                Plain("label"),
                Plain("note"),
                Referral("referral"),
                Plain("channel"),
                Plain("reward"),
                Plain("amount"),
            ],
            Table::Snoozes => &[Plain("until")],
            Table::LetGo => &[Plain("due")],
        }
    }

    /// Whether each column is its own value when merged (an edit on one machine and an
    /// edit of another column on the other both stand; the same column edited on both
    /// settles on one value and reports the other): the contact's and the referral's
    /// fields, which people edit. Otherwise the row is one value: interactions and
    /// status events are written once, tags, snoozes and let-gos are there or not, and
    /// an email or phone edited on two machines settles on one of the two edits.
    pub fn by_column(self) -> bool {
        matches!(self, Table::Contacts | Table::Referrals)
    }

    /// The index of a column by name.
    pub fn column(self, name: &str) -> Option<usize> {
        self.columns().iter().position(|c| c.name() == name)
    }
}

/// The key of a tag row: the contact's uid and the tag, lowercased as the database
/// compares tags (ASCII only), so the same tag added on two machines is one row.
pub fn tag_key(contact_uid: &str, tag: &str) -> String {
    format!("{contact_uid}\u{1f}{}", tag.to_ascii_lowercase())
}

/// The contact uid and the lowercased tag of a tag row's key.
pub fn split_tag_key(key: &str) -> Option<(&str, &str)> {
    key.split_once('\u{1f}')
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Value {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The value as a person reads it (conflict reports).
    pub fn display(&self) -> Option<String> {
        match self {
            Value::Null => None,
            Value::Int(n) => Some(n.to_string()),
            Value::Real(x) => Some(x.to_string()),
            Value::Text(s) => Some(s.clone()),
        }
    }
}

/// A row: its key (a uid, or a natural key for tags, snoozes and let-gos) and its
/// values in [`Table::columns`] order.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: String,
    pub values: Vec<Value>,
}

/// A row as one side has it now: there, or gone. A contact merged into another is gone
/// with the uid it lives on as.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Put(Row),
    Gone {
        key: String,
        merged_into: Option<String>,
    },
}

impl Change {
    pub fn key(&self) -> &str {
        match self {
            Change::Put(r) => &r.key,
            Change::Gone { key, .. } => key,
        }
    }
}

/// A field edited on two machines before they synced: the value every machine kept and
/// the one it did not (as a person reads them; `None` is empty).
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub table: Table,
    /// The row's key (a contact's or referral's uid).
    pub key: String,
    pub field: String,
    pub kept: Option<String>,
    pub other: Option<String>,
}

/// A review-item key (`ask:c12`, `thank:r5`, `over_deliver:i40`,
/// `occasion:c12:2026-11-27`) split into what it is about: the kind word, the letter of
/// the table its number is an id of, the id, and what follows (`:2026-11-27`, or "").
pub fn split_review_key(key: &str) -> Option<(&str, char, i64, &str)> {
    let (kind, rest) = key.split_once(':')?;
    let mut chars = rest.chars();
    let letter = chars.next()?;
    let rest = chars.as_str();
    let digits = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let id = rest[..digits].parse().ok()?;
    let tail = &rest[digits..];
    (matches!(letter, 'c' | 'r' | 'i') && (tail.is_empty() || tail.starts_with(':')))
        .then_some((kind, letter, id, tail))
}

/// The exchanged form of a review key: the id replaced by the row's uid
/// (`ask:c=UID`), what followed it kept after a unit separator.
pub fn global_review_key(kind: &str, letter: char, uid: &str, tail: &str) -> String {
    if tail.is_empty() {
        format!("{kind}:{letter}={uid}")
    } else {
        format!("{kind}:{letter}={uid}\u{1f}{tail}")
    }
}

/// The parts of an exchanged review key: kind, letter, uid, and what followed the id.
pub fn split_global_review_key(key: &str) -> Option<(&str, char, &str, &str)> {
    let (kind, rest) = key.split_once(':')?;
    let (letter, rest) = rest.split_once('=')?;
    let (uid, tail) = rest.split_once('\u{1f}').unwrap_or((rest, ""));
    let mut l = letter.chars();
    let letter = l.next()?;
    (l.next().is_none() && matches!(letter, 'c' | 'r' | 'i') && !uid.is_empty())
        .then_some((kind, letter, uid, tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn review_keys_round_trip_through_their_exchanged_form() {
        assert_eq!(split_review_key("ask:c12"), Some(("ask", 'c', 12, "")));
        assert_eq!(
            split_review_key("over_deliver:i40"),
            Some(("over_deliver", 'i', 40, ""))
        );
        assert_eq!(
            split_review_key("occasion:c7:2026-11-27"),
            Some(("occasion", 'c', 7, ":2026-11-27"))
        );
        assert_eq!(split_review_key("ask:x12"), None);
        assert_eq!(split_review_key("ask:c"), None);
        assert_eq!(split_review_key("ask:c12x"), None);
        let g = global_review_key("thank", 'r', "ab12", "");
        assert_eq!(g, "thank:r=ab12");
        assert_eq!(
            split_global_review_key(&g),
            Some(("thank", 'r', "ab12", ""))
        );
        let g = global_review_key("occasion", 'c', "urn:x", ":2026-11-27");
        assert_eq!(
            split_global_review_key(&g),
            Some(("occasion", 'c', "urn:x", ":2026-11-27"))
        );
        assert_eq!(split_global_review_key("thank:r="), None);
    }

    #[test]
    fn every_table_has_a_name_that_reads_back() {
        for t in Table::ALL {
            assert_eq!(Table::from_name(t.name()), Some(t));
        }
    }

    #[test]
    fn tag_keys_ignore_ascii_case_and_split_at_the_uid() {
        assert_eq!(tag_key("u1", "VIP"), tag_key("u1", "vip"));
        assert_eq!(split_tag_key(&tag_key("u/1", "a/b")), Some(("u/1", "a/b")));
    }
}
