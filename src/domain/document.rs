//! The whole book as rows: every contact, referral, interaction and snooze with their
//! ids, as the lossless JSON export writes them and the store reads them back. Pure
//! serde types; `interop::json` parses and prints them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::contact::{Circle, Field};
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
        }
    }
}

impl Default for Document {
    fn default() -> Self {
        Document::new()
    }
}
