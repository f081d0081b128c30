//! Everything scoring and the daily review need, read from the store in one pass
//! (one query per table, never one per contact), and the computations over it.
//!
//! Shared by the CLI and the terminal interface. May import `store`, `domain`, `config`.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::config::Config;
use crate::domain::agenda::{AgendaInput, AgendaItem, agenda};
use crate::domain::ask::{Suggestion, suggest_all};
use crate::domain::contact::Contact;
use crate::domain::history::{ReferralIndex, interactions_of};
use crate::domain::interaction::Interaction;
use crate::domain::referral::Referral;
use crate::domain::strength::{Band, Strength, strength};
use crate::domain::touch::TouchBuffer;
use crate::store::{Result, Store};

/// The whole history, grouped for scoring.
pub struct Snapshot {
    /// Every contact, archived too, ordered by id.
    pub contacts: Vec<Contact>,
    /// Interactions by contact id, oldest first.
    pub interactions: HashMap<i64, Vec<Interaction>>,
    pub referrals: Vec<Referral>,
    pub snoozes: HashMap<String, NaiveDate>,
}

/// A contact's strength in a list: score, band, and the date of the last touch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub strength: u8,
    pub band: Band,
    pub last_touch: Option<NaiveDate>,
}

impl Snapshot {
    /// Loads everything scoring needs; `details` also loads tags, fields and the parts of
    /// interactions only a timeline shows (notes, channels, rewards, amounts).
    pub fn load(store: &Store, details: bool) -> Result<Snapshot> {
        let contacts = store.all_contacts(details)?;
        let interactions = store.interactions_by_contact(!details)?;
        Ok(Snapshot {
            contacts,
            interactions,
            referrals: store.referrals()?,
            snoozes: store.snoozes()?,
        })
    }

    /// What scoring needs for just these contacts: their interactions (through the
    /// contact index) and every referral. For a handful of contacts out of many this is
    /// far cheaper than [`Snapshot::load`].
    pub fn load_for(store: &Store, contacts: Vec<Contact>) -> Result<Snapshot> {
        let mut contacts = contacts;
        contacts.sort_by_key(|c| c.id);
        let ids: Vec<i64> = contacts.iter().map(|c| c.id).collect();
        let interactions = store.interactions_of_contacts(&ids)?;
        Ok(Snapshot {
            contacts,
            interactions,
            referrals: store.referrals()?,
            snoozes: HashMap::new(),
        })
    }

    /// Strength of every contact, by id.
    pub fn summaries(&self, config: &Config, today: NaiveDate) -> HashMap<i64, Summary> {
        let index = ReferralIndex::new(&self.referrals);
        let mut buf = TouchBuffer::new();
        self.contacts
            .iter()
            .map(|c| {
                let s = self.strength_with(c, &index, &mut buf, config, today);
                (c.id, summary(&s, today))
            })
            .collect()
    }

    fn strength_with(
        &self,
        c: &Contact,
        index: &ReferralIndex<'_>,
        buf: &mut TouchBuffer,
        config: &Config,
        today: NaiveDate,
    ) -> Strength {
        let days = buf.collect(
            c.id,
            interactions_of(&self.interactions, c.id),
            index.of(c.id).iter().copied(),
            today,
        );
        strength(days, c.closeness, &config.scoring)
    }

    /// Every contact's ask readiness, ranked (SCORING.md §4).
    pub fn suggestions(&self, config: &Config, today: NaiveDate) -> Vec<Suggestion> {
        suggest_all(
            &self.contacts,
            &self.interactions,
            &self.referrals,
            &config.scoring,
            config.ask.asks_per_day as usize,
            today,
        )
    }

    /// The daily review queue; with `ignore_snoozes`, snoozed items are included.
    pub fn agenda(
        &self,
        config: &Config,
        today: NaiveDate,
        ignore_snoozes: bool,
    ) -> Vec<AgendaItem> {
        let none = HashMap::new();
        agenda(&AgendaInput {
            contacts: &self.contacts,
            interactions: &self.interactions,
            referrals: &self.referrals,
            snoozes: if ignore_snoozes { &none } else { &self.snoozes },
            cadence: &config.cadence,
            params: &config.scoring,
            asks_per_day: config.ask.asks_per_day as usize,
            today,
        })
    }

    pub fn contact(&self, id: i64) -> Option<&Contact> {
        self.contacts
            .binary_search_by_key(&id, |c| c.id)
            .ok()
            .map(|i| &self.contacts[i])
    }

    /// Names of every contact, by id.
    pub fn names(&self) -> HashMap<i64, String> {
        self.contacts
            .iter()
            .map(|c| (c.id, c.name.clone()))
            .collect()
    }
}

fn summary(s: &Strength, today: NaiveDate) -> Summary {
    Summary {
        strength: s.score,
        band: s.band,
        last_touch: s
            .last_touch_age
            .map(|a| today - chrono::Duration::days(i64::from(a))),
    }
}
