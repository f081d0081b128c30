//! One contact's history as the scoring modules see it: its interactions, the referrals
//! it takes part in, and the indexes (referrals by contact, names by id) that let the
//! whole network be scored in one pass. Pure: std, chrono and the domain types only.

use std::collections::{BTreeMap, HashMap};

use super::contact::Contact;
use super::referral::Referral;

/// Looks up a contact's display name by id (for reasons such as "Thank Sam for referring Dana").
pub trait NameLookup {
    fn name_of(&self, id: i64) -> Option<&str>;

    /// The name, or `#id` when the contact is unknown.
    fn name_or_id(&self, id: i64) -> String {
        self.name_of(id)
            .map_or_else(|| format!("#{id}"), str::to_string)
    }
}

impl NameLookup for HashMap<i64, String> {
    fn name_of(&self, id: i64) -> Option<&str> {
        self.get(&id).map(String::as_str)
    }
}

impl NameLookup for HashMap<i64, &str> {
    fn name_of(&self, id: i64) -> Option<&str> {
        self.get(&id).copied()
    }
}

impl NameLookup for BTreeMap<i64, String> {
    fn name_of(&self, id: i64) -> Option<&str> {
        self.get(&id).map(String::as_str)
    }
}

/// A book names its contacts (a binary search: no copy of every name).
impl NameLookup for super::book::Book {
    fn name_of(&self, id: i64) -> Option<&str> {
        self.contact(id).map(|c| c.name.as_str())
    }
}

/// Names of all given contacts by id.
pub fn name_index(contacts: &[Contact]) -> HashMap<i64, &str> {
    contacts.iter().map(|c| (c.id, c.name.as_str())).collect()
}

/// The referrals a contact takes part in as referrer (`--by`) or recipient (`--to`).
/// The referred person's own side is not part of their history.
pub fn referrals_of(contact_id: i64, referrals: &[Referral]) -> Vec<&Referral> {
    referrals
        .iter()
        .filter(|r| r.counterpart() == contact_id)
        .collect()
}

/// All referrals grouped by counterpart (referrer or recipient), built once in one pass.
#[derive(Debug, Default)]
pub struct ReferralIndex<'a> {
    by_counterpart: HashMap<i64, Vec<&'a Referral>>,
}

impl<'a> ReferralIndex<'a> {
    pub fn new(referrals: &'a [Referral]) -> Self {
        let mut by_counterpart: HashMap<i64, Vec<&'a Referral>> = HashMap::new();
        for r in referrals {
            if r.referrer_id.is_some() || r.recipient_id.is_some() {
                by_counterpart.entry(r.counterpart()).or_default().push(r);
            }
        }
        ReferralIndex { by_counterpart }
    }

    /// [`ReferralIndex::new`] holding only `contact_id`'s referrals: what assessing that
    /// one contact reads, without indexing the whole book.
    pub fn of_one(contact_id: i64, referrals: &'a [Referral]) -> Self {
        let mine: Vec<&'a Referral> = referrals
            .iter()
            .filter(|r| {
                (r.referrer_id.is_some() || r.recipient_id.is_some())
                    && r.counterpart() == contact_id
            })
            .collect();
        let mut by_counterpart = HashMap::new();
        if !mine.is_empty() {
            by_counterpart.insert(contact_id, mine);
        }
        ReferralIndex { by_counterpart }
    }

    /// The referrals where `contact_id` is the referrer or the recipient; empty if none.
    pub fn of(&self, contact_id: i64) -> &[&'a Referral] {
        self.by_counterpart
            .get(&contact_id)
            .map_or(&[], Vec::as_slice)
    }
}

/// "today", "1 day ago", "9 days ago".
pub fn days_ago(days: i64) -> String {
    match days {
        0 => "today".to_string(),
        1 => "1 day ago".to_string(),
        n => format!("{n} days ago"),
    }
}

/// The word with its article: "a call", "an ask", "an update".
pub fn with_article(word: &str) -> String {
    let vowel = word
        .chars()
        .next()
        .is_some_and(|c| "aeiouAEIOU".contains(c));
    format!("{} {word}", if vowel { "an" } else { "a" })
}

/// "1 referral", "2 referrals".
pub fn plural(n: u32, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}
