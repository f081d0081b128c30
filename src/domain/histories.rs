//! Every contact's interactions, as a book holds them: packed, about five bytes an
//! interaction, and unpacked one contact at a time when scoring or a view reads it. The
//! same format is what the store keeps in `scoring_history` (migration 008), so a book
//! loads its histories without unpacking them.
//!
//! The format, after a version byte: per interaction, oldest first (by date, then id),
//! one byte of kind (low four bits), direction (two bits: none, in, out, both), "has a
//! referral" and "has a label"; then the day as a varint (the first: zigzag days since
//! 1970-01-01; the next: days after the previous one), the id (zigzag, after the previous
//! one), the referral id, and the label (length, then UTF-8). What only a timeline shows
//! (notes, channels, rewards, amounts) is not packed: a timeline reads its contact's
//! rows.
//!
//! Pure: std, chrono and the domain types only.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;

use super::interaction::{Direction, Interaction, InteractionKind};

const VERSION: u8 = 1;

// A kind is stored in four bits.
const _: () = assert!(InteractionKind::ALL.len() <= 16);

/// One contact's history in a book: packed (as loaded), or open (as a write or a
/// streamed assessment hands it over).
#[derive(Clone, PartialEq)]
enum Entry {
    Packed(Box<[u8]>),
    Open(Vec<Interaction>),
}

/// Interactions by contact id, each contact's oldest first (by date, then id).
#[derive(Clone, Default, PartialEq)]
pub struct Histories {
    by_contact: HashMap<i64, Entry>,
}

impl std::fmt::Debug for Histories {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Histories {{ {} contacts }}", self.by_contact.len())
    }
}

impl Histories {
    /// One contact's interactions, oldest first; empty if none.
    pub fn get(&self, contact_id: i64) -> Cow<'_, [Interaction]> {
        match self.by_contact.get(&contact_id) {
            None => Cow::Borrowed(&[]),
            Some(Entry::Open(list)) => Cow::Borrowed(list),
            Some(Entry::Packed(bytes)) => {
                let mut out = Vec::new();
                // Only bytes that decoded are ever held (see `put_packed`).
                let _ = decode(contact_id, bytes, &mut fresh, &mut out);
                Cow::Owned(out)
            }
        }
    }

    /// [`Histories::get`] into a vector the caller reuses (cleared first); returns it as
    /// a slice.
    pub fn read_into<'a>(
        &'a self,
        contact_id: i64,
        out: &'a mut Vec<Interaction>,
    ) -> &'a [Interaction] {
        match self.by_contact.get(&contact_id) {
            None => &[],
            Some(Entry::Open(list)) => list,
            Some(Entry::Packed(bytes)) => {
                let _ = decode(contact_id, bytes, &mut fresh, out);
                out
            }
        }
    }

    /// Whether the contact has any interaction.
    pub fn contains(&self, contact_id: i64) -> bool {
        self.by_contact.contains_key(&contact_id)
    }

    /// How many contacts have a history.
    pub fn len(&self) -> usize {
        self.by_contact.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_contact.is_empty()
    }

    /// The ids of the contacts with a history, in no order.
    pub fn contact_ids(&self) -> impl Iterator<Item = i64> + '_ {
        self.by_contact.keys().copied()
    }

    /// Replaces a contact's history (oldest first); an empty one removes it.
    pub fn set(&mut self, contact_id: i64, history: Vec<Interaction>) {
        if history.is_empty() {
            self.by_contact.remove(&contact_id);
        } else {
            self.by_contact.insert(contact_id, Entry::Open(history));
        }
    }

    /// Puts a packed history in place if the bytes decode; false (and nothing changed)
    /// when they do not, so the caller reads the rows instead. `scratch` is reused.
    pub fn put_packed(
        &mut self,
        contact_id: i64,
        bytes: &[u8],
        scratch: &mut Vec<Interaction>,
    ) -> bool {
        // Checking needs no label's text: one shared empty one stands in.
        let none: Arc<str> = Arc::from("");
        if decode(contact_id, bytes, &mut |_| none.clone(), scratch).is_none() {
            return false;
        }
        if scratch.is_empty() {
            self.by_contact.remove(&contact_id);
        } else {
            self.by_contact
                .insert(contact_id, Entry::Packed(bytes.into()));
        }
        true
    }

    /// Keeps bytes [`encode`] made (never read from elsewhere: those go through
    /// [`Histories::put_packed`], which checks them).
    pub(super) fn put_encoded(&mut self, contact_id: i64, bytes: Vec<u8>) {
        if bytes.len() > 1 {
            self.by_contact
                .insert(contact_id, Entry::Packed(bytes.into_boxed_slice()));
        }
    }

    /// Packs a history (oldest first) and keeps it so: a contact's interactions then
    /// cost their bytes, not a vector of structs.
    pub fn put_compact(&mut self, contact_id: i64, history: &[Interaction]) {
        if history.is_empty() {
            self.by_contact.remove(&contact_id);
        } else {
            self.by_contact
                .insert(contact_id, Entry::Packed(encode(history).into()));
        }
    }

    /// How many interactions there are in all (unpacks every history).
    pub fn interaction_count(&self) -> usize {
        let mut buf = Vec::new();
        self.by_contact
            .keys()
            .map(|&id| self.read_into(id, &mut buf).len())
            .sum()
    }

    /// Every history unpacked, by contact id (to compare, or to hand to code that
    /// wants them all open).
    pub fn unpacked(&self) -> HashMap<i64, Vec<Interaction>> {
        self.by_contact
            .keys()
            .map(|&id| (id, self.get(id).into_owned()))
            .collect()
    }

    /// The contact an interaction belongs to (unpacks until it is found).
    pub fn owner_of(&self, interaction_id: i64) -> Option<i64> {
        let mut buf = Vec::new();
        self.by_contact.keys().copied().find(|&c| {
            self.read_into(c, &mut buf)
                .iter()
                .any(|i| i.id == interaction_id)
        })
    }

    /// Adds the histories of `other`, replacing any of the same contacts.
    pub fn extend(&mut self, other: impl IntoIterator<Item = (i64, Vec<Interaction>)>) {
        for (id, history) in other {
            self.set(id, history);
        }
    }
}

impl FromIterator<(i64, Vec<Interaction>)> for Histories {
    fn from_iter<T: IntoIterator<Item = (i64, Vec<Interaction>)>>(iter: T) -> Self {
        let mut h = Histories::default();
        h.extend(iter);
        h
    }
}

impl From<HashMap<i64, Vec<Interaction>>> for Histories {
    fn from(map: HashMap<i64, Vec<Interaction>>) -> Self {
        map.into_iter().collect()
    }
}

/// 1970-01-01, from which days are counted.
fn epoch() -> NaiveDate {
    NaiveDate::default()
}

fn day_number(d: NaiveDate) -> i64 {
    (d - epoch()).num_days()
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// One contact's interactions (oldest first), packed. Notes, channels, rewards and
/// amounts are left out.
pub fn encode(history: &[Interaction]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + history.len() * 6);
    out.push(VERSION);
    let (mut day, mut id) = (0i64, 0i64);
    for (n, i) in history.iter().enumerate() {
        let kind = InteractionKind::ALL
            .iter()
            .position(|k| *k == i.kind)
            .unwrap_or(0) as u8;
        let dir = match i.direction {
            None => 0,
            Some(Direction::In) => 1,
            Some(Direction::Out) => 2,
            Some(Direction::Both) => 3,
        };
        let has_ref = u8::from(i.referral_id.is_some());
        let has_label = u8::from(i.label.is_some());
        out.push(kind | dir << 4 | has_ref << 6 | has_label << 7);
        let d = day_number(i.occurred_on);
        if n == 0 {
            put_varint(&mut out, zigzag(d));
        } else {
            put_varint(&mut out, (d - day) as u64);
        }
        put_varint(&mut out, zigzag(i.id.wrapping_sub(id)));
        if let Some(r) = i.referral_id {
            put_varint(&mut out, zigzag(r));
        }
        if let Some(l) = &i.label {
            put_varint(&mut out, l.len() as u64);
            out.extend_from_slice(l.as_bytes());
        }
        (day, id) = (d, i.id);
    }
    out
}

/// Reads bytes, failing on anything short or malformed.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }

    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        (n <= self.0.len()).then(|| {
            let (head, rest) = self.0.split_at(n);
            self.0 = rest;
            head
        })
    }
}

/// Unpacks a contact's history into `out` (cleared first); `label` makes each label's
/// shared text. `None` when the bytes are not a history this build wrote.
pub fn decode(
    contact_id: i64,
    bytes: &[u8],
    label: &mut dyn FnMut(&str) -> Arc<str>,
    out: &mut Vec<Interaction>,
) -> Option<()> {
    out.clear();
    let mut r = Reader(bytes);
    if r.byte()? != VERSION {
        return None;
    }
    let (mut day, mut id) = (0i64, 0i64);
    while !r.0.is_empty() {
        let head = r.byte()?;
        let kind = *InteractionKind::ALL.get(usize::from(head & 0x0f))?;
        let direction = match (head >> 4) & 3 {
            0 => None,
            1 => Some(Direction::In),
            2 => Some(Direction::Out),
            _ => Some(Direction::Both),
        };
        let step = r.varint()?;
        day = if out.is_empty() {
            unzigzag(step)
        } else {
            day.checked_add(i64::try_from(step).ok()?)?
        };
        id = id.wrapping_add(unzigzag(r.varint()?));
        let referral_id = if head & 0x40 != 0 {
            Some(unzigzag(r.varint()?))
        } else {
            None
        };
        let text = if head & 0x80 != 0 {
            let n = usize::try_from(r.varint()?).ok()?;
            Some(label(std::str::from_utf8(r.bytes(n)?).ok()?))
        } else {
            None
        };
        let occurred_on = epoch().checked_add_signed(chrono::TimeDelta::try_days(day)?)?;
        out.push(Interaction {
            id,
            contact_id,
            occurred_on,
            kind,
            direction,
            referral_id,
            label: text,
            extra: None,
        });
    }
    Some(())
}

/// A label's text in an allocation of its own.
fn fresh(text: &str) -> Arc<str> {
    Arc::from(text)
}

/// Labels shared across one load: a book repeats a few labels many times.
#[derive(Default)]
pub struct Labels(HashSet<Arc<str>>);

impl Labels {
    pub fn get(&mut self, text: &str) -> Arc<str> {
        if let Some(l) = self.0.get(text) {
            return l.clone();
        }
        let l: Arc<str> = text.into();
        self.0.insert(l.clone());
        l
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn interaction(
        id: i64,
        day: i64,
        kind: usize,
        dir: u8,
        r: Option<i64>,
        l: Option<&str>,
    ) -> Interaction {
        Interaction {
            id,
            contact_id: 7,
            occurred_on: epoch() + chrono::TimeDelta::days(day),
            kind: InteractionKind::ALL[kind],
            direction: [
                None,
                Some(Direction::In),
                Some(Direction::Out),
                Some(Direction::Both),
            ][usize::from(dir)],
            referral_id: r,
            label: l.map(Arc::from),
            extra: None,
        }
    }

    /// The kinds' codes are stored: a new kind goes at the end of the list.
    #[test]
    fn kind_codes_are_stable() {
        let words: Vec<&str> = InteractionKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            words,
            [
                "meeting",
                "call",
                "message",
                "job",
                "praise",
                "gift",
                "extra",
                "thanks",
                "update",
                "ask",
                "complaint"
            ]
        );
    }

    #[test]
    fn malformed_bytes_are_refused() {
        let good = encode(&[interaction(1, 20_000, 3, 0, Some(4), Some("Café"))]);
        let mut out = Vec::new();
        let mut labels = Labels::default();
        assert!(decode(7, &good, &mut |t| labels.get(t), &mut out).is_some());
        // The version byte alone is an empty history; any other cut is refused.
        assert!(
            decode(7, &good[..1], &mut |t| labels.get(t), &mut out).is_some() && out.is_empty()
        );
        for cut in (0..good.len()).filter(|&c| c != 1) {
            assert!(
                decode(7, &good[..cut], &mut |t| labels.get(t), &mut out).is_none(),
                "{cut}"
            );
        }
        assert!(decode(7, &[2, 0, 0, 0], &mut |t| labels.get(t), &mut out).is_none());
        assert!(decode(7, &[VERSION, 0x0f, 0, 0], &mut |t| labels.get(t), &mut out).is_none());
    }

    #[test]
    fn a_book_holds_packed_and_open_histories_alike() {
        let history = vec![
            interaction(3, 20_000, 1, 1, None, None),
            interaction(9, 20_002, 4, 0, Some(2), Some("great work")),
        ];
        let mut packed = Histories::default();
        let mut scratch = Vec::new();
        assert!(packed.put_packed(7, &encode(&history), &mut scratch));
        let open: Histories = [(7, history.clone())].into_iter().collect();
        assert_eq!(packed.get(7).as_ref(), history.as_slice());
        assert_eq!(open.get(7).as_ref(), history.as_slice());
        assert_eq!(packed.owner_of(9), Some(7));
        assert_eq!(packed.interaction_count(), 2);
        assert!(packed.get(8).is_empty());
        // Bytes that do not decode are refused and change nothing.
        assert!(!packed.put_packed(7, &[VERSION, 0x0f], &mut scratch));
        assert_eq!(packed.get(7).as_ref(), history.as_slice());
        packed.put_compact(7, &[]);
        assert!(!packed.contains(7));
    }

    proptest! {
        #[test]
        fn a_packed_history_unpacks_to_itself(
            raw in proptest::collection::vec(
                (1i64..i64::MAX / 2, -40_000i64..40_000, 0usize..11, 0u8..4,
                 proptest::option::of(1i64..1 << 40), proptest::option::of("\\PC{0,12}")),
                0..40,
            )
        ) {
            let mut history: Vec<Interaction> = raw
                .iter()
                .map(|(id, day, k, d, r, l)| interaction(*id, *day, *k, *d, *r, l.as_deref()))
                .collect();
            history.sort_by_key(|i| (i.occurred_on, i.id));
            let mut out = Vec::new();
            prop_assert!(decode(7, &encode(&history), &mut fresh, &mut out).is_some());
            prop_assert_eq!(out, history);
        }

        #[test]
        fn any_bytes_decode_or_refuse_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode(7, &bytes, &mut fresh, &mut Vec::new());
        }
    }
}
