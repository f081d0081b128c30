//! Scores for the CLI: strength and band of contacts, computed from one pass over the data.
// INTEGRATE: placeholder until domain::strength lands.

use std::collections::HashMap;

use anyhow::Result;
use chrono::NaiveDate;

use super::Ctx;

pub struct Summary {
    pub strength: u8,
    pub band: &'static str,
    pub last_touch: Option<NaiveDate>,
}

pub fn summaries(ctx: &Ctx) -> Result<HashMap<i64, Summary>> {
    let mut out: HashMap<i64, Summary> = HashMap::new();
    for i in ctx.store.all_interactions()? {
        let e = out.entry(i.contact_id).or_insert(Summary {
            strength: 0,
            band: "no_history",
            last_touch: None,
        });
        e.last_touch = e.last_touch.max(Some(i.occurred_on));
    }
    Ok(out)
}

pub fn contact_score(ctx: &Ctx, id: i64) -> Result<Summary> {
    let last = ctx
        .store
        .interactions_for(id)?
        .iter()
        .map(|i| i.occurred_on)
        .max();
    Ok(Summary {
        strength: 0,
        band: "no_history",
        last_touch: last,
    })
}
