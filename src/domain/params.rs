//! Scoring parameters (SCORING.md), read from `[scoring]` in the config.
//!
//! The defaults live in `config.example.toml`, which is embedded and parsed at start;
//! these types only describe the shape. Every field is required there, so a default
//! cannot silently go missing.

use serde::{Deserialize, Serialize};

/// Relationship strength, reciprocity ledger and ask readiness parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringParams {
    /// Base half-life of engagement, days (H = half_life_days · (1 + span_factor · min(span/365, span_cap_years))).
    pub half_life_days: f64,
    pub half_life_span_factor: f64,
    pub half_life_span_cap_years: f64,
    /// Eng = 1 − exp(−E / engagement_scale).
    pub engagement_scale: f64,
    /// Dur = min(1, ln(1 + span/duration_unit_days) / ln(duration_saturation)) · 2^(−last / duration_decay_days).
    pub duration_unit_days: f64,
    pub duration_saturation: f64,
    pub duration_decay_days: f64,
    /// X decays with this half-life, days; Serv = 1 − exp(−X / services_scale).
    pub services_half_life_days: f64,
    pub services_scale: f64,
    /// S = 100 · (weight_engagement·Eng + weight_duration·Dur + weight_services·Serv).
    pub weight_engagement: f64,
    pub weight_duration: f64,
    pub weight_services: f64,
    /// Without any live two-way touch, S is capped here.
    pub one_way_cap: u32,
    /// A contact is dormant when the last live touch is older than this, days.
    pub dormant_days: i64,
    /// Engagement weight `w` per touch kind.
    pub weights: TouchWeights,
    /// Services unit `u` per touch kind.
    pub services: ServiceUnits,
    pub ledger: LedgerParams,
    pub ask: AskParams,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TouchWeights {
    pub meeting: f64,
    pub call: f64,
    pub message_two_way: f64,
    pub message_one_way_out: f64,
    pub message_one_way_in: f64,
    pub job: f64,
    pub praise: f64,
    pub gift: f64,
    pub extra: f64,
    pub referral_given: f64,
    pub referral_received: f64,
    pub thanks: f64,
    pub update: f64,
    pub ask: f64,
    pub complaint: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceUnits {
    pub gift: f64,
    pub extra: f64,
    pub referral_given: f64,
    pub referral_received: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerParams {
    /// The ledger looks back this many days.
    pub window_days: i64,
    pub referral_given: f64,
    pub gift: f64,
    pub extra: f64,
    pub referral_received: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AskParams {
    /// Block 1: a complaint within this many days with no praise after it.
    pub complaint_days: i64,
    /// Block 3: a thanked referral older than this with no update.
    pub update_after_days: i64,
    /// Block 4: wait this long after an ask.
    pub ask_cooldown_days: i64,
    /// Block 5: a job within this many days is a balanced sale.
    pub balanced_sale_days: i64,
    /// Block 6: no live two-way touch for this long is stale.
    pub stale_days: i64,
    /// Block 7: strength below this is a weak tie.
    pub weak_tie_below: u32,
    /// R = strength_weight · S + …
    pub strength_weight: f64,
    /// Praise bonus: praise_bonus · 2^(−d / praise_half_life_days) while d ≤ praise_window_days.
    pub praise_window_days: i64,
    pub praise_half_life_days: f64,
    pub praise_bonus: f64,
    /// Balance bonus: min(balance_bonus_cap, balance_bonus_per · balance) when balance > 0.
    pub balance_bonus_per: f64,
    pub balance_bonus_cap: f64,
    /// A gift / extra / referral given within recent_give_days adds recent_give_bonus.
    pub recent_give_days: i64,
    pub recent_give_bonus: f64,
    /// Past referrer bonus: min(referrer_cap, referrer_base + referrer_step·(n − 1)), n within referrer_window_days.
    pub referrer_window_days: i64,
    pub referrer_base: f64,
    pub referrer_step: f64,
    pub referrer_cap: f64,
    /// Deficit penalty: min(deficit_penalty_cap, deficit_penalty_per·(deficit − 1)) when deficit ≥ deficit_min.
    pub deficit_min: i64,
    pub deficit_penalty_per: f64,
    pub deficit_penalty_cap: f64,
    /// `ask_now` needs a trigger and R ≥ ask_now_min.
    pub ask_now_min: f64,
    /// A trigger: balance ≥ trigger_balance.
    pub trigger_balance: f64,
}

/// Default keep-in-touch cadence in days per circle (`[cadence]`); 0 means none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CadenceDefaults {
    pub client: u32,
    pub prospect: u32,
    pub partner: u32,
    pub friend: u32,
    pub family: u32,
    pub other: u32,
}

impl CadenceDefaults {
    /// The default cadence for a circle, `None` when that circle has none.
    pub fn for_circle(&self, circle: super::contact::Circle) -> Option<u32> {
        use super::contact::Circle;
        let d = match circle {
            Circle::Client => self.client,
            Circle::Prospect => self.prospect,
            Circle::Partner => self.partner,
            Circle::Friend => self.friend,
            Circle::Family => self.family,
            Circle::Other => self.other,
        };
        (d > 0).then_some(d)
    }
}

/// The documented defaults of `[scoring]`, parsed from the embedded `config.example.toml`.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub(crate) fn default_params() -> ScoringParams {
    let table = toml::from_str::<toml::Table>(include_str!("../../config.example.toml")).unwrap();
    table["scoring"]
        .clone()
        .try_into::<ScoringParams>()
        .unwrap()
}

/// The documented defaults of `[cadence]`.
#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub(crate) fn default_cadence() -> CadenceDefaults {
    let table = toml::from_str::<toml::Table>(include_str!("../../config.example.toml")).unwrap();
    table["cadence"]
        .clone()
        .try_into::<CadenceDefaults>()
        .unwrap()
}
