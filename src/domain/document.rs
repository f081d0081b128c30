//! The whole book as rows: every contact, referral, interaction and snooze with their
//! ids, as the lossless JSON export writes them and the store reads them back. Pure
//! serde types; `interop::json` parses and prints them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::contact::{Circle, Field, NewContact};
use super::interaction::{Channel, Direction, InteractionKind, Reward};
use super::referral::{Quality, Status, StatusEvent};

/// The `format` marker of a ties document.
pub const FORMAT: &str = "ties";
/// The document version this build writes and reads.
pub const VERSION: u32 = 1;

/// A whole database. References between records use the document's ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub format: String,
    pub version: u32,
    pub contacts: Vec<DocContact>,
    pub referrals: Vec<DocReferral>,
    pub interactions: Vec<DocInteraction>,
    pub snoozes: Vec<DocSnooze>,
    /// Review items let go (absent in documents written before the daily review).
    #[serde(default)]
    pub let_go: Vec<DocLetGo>,
    /// Review items done, by the day of the review.
    #[serde(default)]
    pub review_done: Vec<DocDone>,
}

/// A review item let go, with its due date then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocLetGo {
    pub key: String,
    pub due: NaiveDate,
}

/// A review item done in the review of `on`, by the interaction it recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocDone {
    pub key: String,
    pub on: NaiveDate,
    pub interaction_id: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocContact {
    pub id: i64,
    pub uid: String,
    pub name: String,
    pub company: Option<String>,
    pub title: Option<String>,
    pub circle: Circle,
    pub tags: Vec<String>,
    pub fields: Vec<Field>,
    pub how_met: Option<String>,
    pub notes: Option<String>,
    pub cadence_days: Option<u32>,
    pub do_not_ask: bool,
    pub closeness: Option<u8>,
    pub created_on: NaiveDate,
    pub archived_on: Option<NaiveDate>,
    /// Unknown vCard properties kept verbatim.
    pub vcard_extra: Option<String>,
}

impl DocContact {
    /// The contact to write, as every other way in writes one (its id and dates are
    /// the document's to keep, beside it).
    pub fn record(&self) -> NewContact {
        NewContact {
            uid: Some(self.uid.clone()),
            name: self.name.clone(),
            company: self.company.clone(),
            title: self.title.clone(),
            circle: Some(self.circle),
            tags: self.tags.clone(),
            fields: self.fields.clone(),
            how_met: self.how_met.clone(),
            notes: self.notes.clone(),
            cadence_days: self.cadence_days,
            do_not_ask: self.do_not_ask,
            closeness: self.closeness,
            vcard_extra: self.vcard_extra.clone(),
            referred_by: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocReferral {
    pub id: i64,
    pub referrer_id: Option<i64>,
    pub person_id: i64,
    pub recipient_id: Option<i64>,
    pub quality: Quality,
    pub status: Status,
    pub referred_on: NaiveDate,
    pub value: Option<f64>,
    pub reason: Option<String>,
    pub note: Option<String>,
    pub history: Vec<StatusEvent>,
    /// The Message-ID of the mail it was imported from (`ties import` of an email).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// What it was last won for, kept when reopened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub won_value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocInteraction {
    pub id: i64,
    pub contact_id: i64,
    pub occurred_on: NaiveDate,
    pub kind: InteractionKind,
    pub direction: Option<Direction>,
    pub label: Option<String>,
    pub note: Option<String>,
    pub referral_id: Option<i64>,
    pub channel: Option<Channel>,
    pub reward: Option<Reward>,
    pub amount: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocSnooze {
    pub key: String,
    pub until: NaiveDate,
}

impl Document {
    pub fn new() -> Document {
        Document {
            format: FORMAT.into(),
            version: VERSION,
            contacts: vec![],
            referrals: vec![],
            interactions: vec![],
            snoozes: vec![],
            let_go: vec![],
            review_done: vec![],
        }
    }
}

impl Default for Document {
    fn default() -> Self {
        Document::new()
    }
}

/// The earliest date a document may hold: anything before is a typo ("26-1-1").
const EARLIEST: (i32, u32, u32) = (1900, 1, 1);

impl Document {
    /// Checks every field with the rules the CLI applies when the same thing is typed:
    /// names, emails and phones, closeness and cadence, amounts and values, dates (none
    /// in the future, none before 1900), what fits each interaction kind, and each
    /// referral's history (dated in order, from its referral day, ending in its status; a
    /// won referral has its value). The error names the record and the field.
    pub fn validate(&self, today: NaiveDate) -> Result<(), String> {
        use super::contact::{FieldKind, validate_closeness, validate_email, validate_phone};
        use super::interaction::{NewInteraction, validate_amount};
        let earliest =
            NaiveDate::from_ymd_opt(EARLIEST.0, EARLIEST.1, EARLIEST.2).unwrap_or(NaiveDate::MIN);
        let date = |at: &str, d: NaiveDate| -> Result<(), String> {
            if d > today {
                return Err(format!("{at}: {d} is in the future"));
            }
            if d < earliest {
                return Err(format!(
                    "{at}: {d} is before 1900; write dates as YYYY-MM-DD"
                ));
            }
            Ok(())
        };
        for (n, c) in self.contacts.iter().enumerate() {
            let at = |field: &str| format!("contacts[{n}] (id {}).{field}", c.id);
            if let Some(k) = c.closeness {
                validate_closeness(k).map_err(|e| format!("{}: {e}", at("closeness")))?;
            }
            if c.cadence_days == Some(0) {
                return Err(format!(
                    "{}: a cadence must be 1 day or more",
                    at("cadence_days")
                ));
            }
            if c.tags.iter().any(|t| t.trim().is_empty()) {
                return Err(format!("{}: a tag cannot be blank", at("tags")));
            }
            for f in &c.fields {
                let checked = match f.kind {
                    FieldKind::Email => validate_email(&f.value).map(drop),
                    FieldKind::Phone => validate_phone(&f.value).map(drop),
                    _ if f.value.trim().is_empty() => {
                        return Err(format!("{}: a {} cannot be blank", at("fields"), f.kind));
                    }
                    _ => Ok(()),
                };
                checked.map_err(|e| format!("{}: {e}", at("fields")))?;
            }
            date(&at("created_on"), c.created_on)?;
            if let Some(a) = c.archived_on {
                date(&at("archived_on"), a)?;
            }
        }
        let mut mails = std::collections::HashSet::new();
        for (n, r) in self.referrals.iter().enumerate() {
            let at = |field: &str| format!("referrals[{n}] (id {}).{field}", r.id);
            date(&at("referred_on"), r.referred_on)?;
            if let Some(mid) = &r.message_id
                && !mails.insert(mid.as_str())
            {
                return Err(format!(
                    "{}: another referral already came from the mail \"{mid}\"; one mail is one referral",
                    at("message_id")
                ));
            }
            if let Some(v) = r.value {
                validate_amount(v).map_err(|e| format!("{}: {e}", at("value")))?;
            }
            if r.status == super::referral::Status::Won && r.value.is_none() {
                return Err(format!(
                    "{}: a won referral needs its value (0 if it had none)",
                    at("value")
                ));
            }
            let Some(last) = r.history.last() else {
                return Err(format!(
                    "{}: a referral's history starts with its `new` event",
                    at("history")
                ));
            };
            if last.status != r.status {
                return Err(format!(
                    "{}: the history ends in {}, but the status is {}",
                    at("history"),
                    last.status,
                    r.status
                ));
            }
            let mut previous = r.referred_on;
            for e in &r.history {
                date(&at("history"), e.date)?;
                if e.date < previous {
                    return Err(format!(
                        "{}: {} on {} comes before the event or referral day it follows ({previous}); list events oldest first",
                        at("history"),
                        e.status,
                        e.date
                    ));
                }
                previous = e.date;
            }
        }
        for (n, i) in self.interactions.iter().enumerate() {
            let at = format!("interactions[{n}] (id {})", i.id);
            date(&format!("{at}.occurred_on"), i.occurred_on)?;
            // Each optional part checked alone, so the error names its field.
            let parts = [
                ("direction", i.direction.is_some()),
                ("channel", i.channel.is_some()),
                ("reward", i.reward.is_some()),
                ("amount", i.amount.is_some()),
            ];
            for (field, present) in parts {
                if !present {
                    continue;
                }
                let mut new = NewInteraction::new(i.contact_id, i.occurred_on, i.kind);
                match field {
                    "direction" => new.direction = i.direction,
                    "channel" => new.channel = i.channel,
                    "reward" => new.reward = i.reward,
                    _ => new.amount = i.amount,
                }
                new.validated(today).map_err(|e| {
                    format!("{at}.{field}: {e}")
                        .replace("--dir ", "a direction ")
                        .replace("--channel ", "a channel ")
                        .replace("--with ", "a reward ")
                })?;
            }
        }
        let latest_snooze = today + chrono::Days::new(366);
        for (n, s) in self.snoozes.iter().enumerate() {
            if s.key.trim().is_empty() || s.until > latest_snooze {
                return Err(format!(
                    "snoozes[{n}]: a snooze needs a key and ends within a year ({} is too late)",
                    s.until
                ));
            }
        }
        for (n, l) in self.let_go.iter().enumerate() {
            if l.key.trim().is_empty() {
                return Err(format!("let_go[{n}]: an item let go needs a key"));
            }
        }
        for (n, d) in self.review_done.iter().enumerate() {
            if d.key.trim().is_empty()
                || !self.interactions.iter().any(|i| i.id == d.interaction_id)
            {
                return Err(format!(
                    "review_done[{n}]: needs a key and the id of an interaction in the document"
                ));
            }
        }
        Ok(())
    }
}
