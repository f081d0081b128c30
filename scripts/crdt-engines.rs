// Throw-away measurement for BENCHMARKS.md ("Choosing the sync engine"): Automerge vs
// Loro on a ties book exported as JSON. Not part of the build: copy it into a scratch
// crate with `automerge`, `loro` and `serde_json` as dependencies, put the export beside
// it as book10k.json, and `cargo run --release`.
//! Automerge vs Loro on a 10k-contact ties book: build, save, load, merge a 10-change batch.
use serde_json::Value;
use std::time::Instant;

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let book: Value = serde_json::from_str(&std::fs::read_to_string("book10k.json").unwrap()).unwrap();
    let contacts = book["contacts"].as_array().unwrap();
    let interactions = book["interactions"].as_array().unwrap();
    let referrals = book["referrals"].as_array().unwrap();
    let uid_of: std::collections::HashMap<i64, String> = contacts
        .iter()
        .map(|c| (c["id"].as_i64().unwrap(), s(&c["uid"])))
        .collect();
    let cfields = ["name", "company", "title", "circle", "how_met", "notes", "cadence_days", "do_not_ask", "closeness", "created_on", "archived_on"];
    let ifields = ["occurred_on", "kind", "direction", "label", "note", "channel", "reward", "amount"];
    let runs = 3;

    // ---------------- Automerge ----------------
    {
        use automerge::{AutoCommit, ObjType, ROOT, ReadDoc, transaction::Transactable};
        let mut best = (f64::MAX, f64::MAX, f64::MAX, f64::MAX, 0usize, 0usize);
        for _ in 0..runs {
            let t = Instant::now();
            let mut doc = AutoCommit::new();
            let cs = doc.put_object(ROOT, "contacts", ObjType::Map).unwrap();
            for c in contacts {
                let o = doc.put_object(&cs, s(&c["uid"]), ObjType::Map).unwrap();
                for f in cfields {
                    if !c[f].is_null() {
                        doc.put(&o, f, s(&c[f])).unwrap();
                    }
                }
                let tags = doc.put_object(&o, "tags", ObjType::Map).unwrap();
                for tg in c["tags"].as_array().unwrap() {
                    doc.put(&tags, s(tg), true).unwrap();
                }
                let fl = doc.put_object(&o, "fields", ObjType::Map).unwrap();
                for fd in c["fields"].as_array().unwrap() {
                    doc.put(&fl, format!("{}:{}", s(&fd["kind"]), s(&fd["value"])), s(&fd["label"])).unwrap();
                }
            }
            let is = doc.put_object(ROOT, "interactions", ObjType::Map).unwrap();
            for i in interactions {
                let mut v = uid_of[&i["contact_id"].as_i64().unwrap()].clone();
                for f in ifields {
                    v.push('\u{1f}');
                    v.push_str(&s(&i[f]));
                }
                doc.put(&is, format!("i-{}", i["id"]), v).unwrap();
            }
            let rs = doc.put_object(ROOT, "referrals", ObjType::Map).unwrap();
            for r in referrals {
                let o = doc.put_object(&rs, format!("r-{}", r["id"]), ObjType::Map).unwrap();
                for f in ["quality", "status", "referred_on", "value"] {
                    if !r[f].is_null() {
                        doc.put(&o, f, s(&r[f])).unwrap();
                    }
                }
                let ev = doc.put_object(&o, "events", ObjType::List).unwrap();
                for (k, e) in r["history"].as_array().unwrap().iter().enumerate() {
                    doc.insert(&ev, k, format!("{}@{}", s(&e["status"]), s(&e["date"]))).unwrap();
                }
            }
            doc.commit();
            let build = ms(t);
            let t = Instant::now();
            let bytes = doc.save();
            let save = ms(t);
            let t = Instant::now();
            let mut loaded = AutoCommit::load(&bytes).unwrap();
            let load = ms(t);
            // A 10-change batch on another replica: 5 notes edited, 5 interactions added.
            let mut other = loaded.fork();
            let heads = other.get_heads();
            for k in 0..5 {
                let c = other.get(&cs, contacts[k * 100]["uid"].as_str().unwrap()).unwrap().unwrap().1;
                other.put(&c, "notes", format!("edited {k}")).unwrap();
                other.put(&is, format!("i-new-{k}"), format!("{}\u{1f}2026-12-01\u{1f}call", s(&contacts[k]["uid"]))).unwrap();
            }
            other.commit();
            let t = Instant::now();
            let batch = other.save_after(&heads);
            let exp = ms(t);
            let t2 = Instant::now();
            loaded.load_incremental(&batch).unwrap();
            eprintln!("automerge export {exp:.1} ms import {:.1} ms", ms(t2));
            // A sync as ties would run it: load our file, merge the other machine's whole
            // file, save ours again.
            let theirs = other.save();
            let t3 = Instant::now();
            let mut ours = AutoCommit::load(&bytes).unwrap();
            let mut other_doc = AutoCommit::load(&theirs).unwrap();
            ours.merge(&mut other_doc).unwrap();
            let out = ours.save();
            eprintln!("automerge sync: load ours + load theirs + merge + save = {:.0} ms ({} bytes)", ms(t3), out.len());
            let merge = ms(t);
            if build < best.0 { best.0 = build; }
            if save < best.1 { best.1 = save; }
            if load < best.2 { best.2 = load; }
            if merge < best.3 { best.3 = merge; }
            best.4 = bytes.len();
            best.5 = batch.len();
        }
        println!("automerge: build {:.0} ms, save {:.0} ms, {} bytes, load {:.0} ms, 10-change batch {} bytes merged in {:.1} ms", best.0, best.1, best.4, best.2, best.5, best.3);
    }

    // ---------------- Loro ----------------
    {
        use loro::{ExportMode, LoroDoc, LoroList, LoroMap};
        let mut best = (f64::MAX, f64::MAX, f64::MAX, f64::MAX, 0usize, 0usize);
        for _ in 0..runs {
            let t = Instant::now();
            let doc = LoroDoc::new();
            let cs = doc.get_map("contacts");
            for c in contacts {
                let o = cs.insert_container(&s(&c["uid"]), LoroMap::new()).unwrap();
                for f in cfields {
                    if !c[f].is_null() {
                        o.insert(f, s(&c[f])).unwrap();
                    }
                }
                let tags = o.insert_container("tags", LoroMap::new()).unwrap();
                for tg in c["tags"].as_array().unwrap() {
                    tags.insert(&s(tg), true).unwrap();
                }
                let fl = o.insert_container("fields", LoroMap::new()).unwrap();
                for fd in c["fields"].as_array().unwrap() {
                    fl.insert(&format!("{}:{}", s(&fd["kind"]), s(&fd["value"])), s(&fd["label"])).unwrap();
                }
            }
            let is = doc.get_map("interactions");
            for i in interactions {
                let mut v = uid_of[&i["contact_id"].as_i64().unwrap()].clone();
                for f in ifields {
                    v.push('\u{1f}');
                    v.push_str(&s(&i[f]));
                }
                is.insert(&format!("i-{}", i["id"]), v).unwrap();
            }
            let rs = doc.get_map("referrals");
            for r in referrals {
                let o = rs.insert_container(&format!("r-{}", r["id"]), LoroMap::new()).unwrap();
                for f in ["quality", "status", "referred_on", "value"] {
                    if !r[f].is_null() {
                        o.insert(f, s(&r[f])).unwrap();
                    }
                }
                let ev = o.insert_container("events", LoroList::new()).unwrap();
                for e in r["history"].as_array().unwrap() {
                    ev.push(format!("{}@{}", s(&e["status"]), s(&e["date"]))).unwrap();
                }
            }
            doc.commit();
            let build = ms(t);
            let t = Instant::now();
            let bytes = doc.export(ExportMode::Snapshot).unwrap();
            let save = ms(t);
            let t = Instant::now();
            let loaded = LoroDoc::new();
            loaded.import(&bytes).unwrap();
            let _ = loaded.get_deep_value();
            let load = ms(t);
            let other = loaded.fork();
            let vv = other.oplog_vv();
            let ocs = other.get_map("contacts");
            let ois = other.get_map("interactions");
            for k in 0..5 {
                let c = ocs.get_or_create_container(contacts[k * 100]["uid"].as_str().unwrap(), LoroMap::new()).unwrap();
                c.insert("notes", format!("edited {k}")).unwrap();
                ois.insert(&format!("i-new-{k}"), format!("{}\u{1f}2026-12-01\u{1f}call", s(&contacts[k]["uid"]))).unwrap();
            }
            other.commit();
            let t = Instant::now();
            let batch = other.export(ExportMode::updates(&vv)).unwrap();
            let exp = ms(t);
            let t2 = Instant::now();
            loaded.import(&batch).unwrap();
            eprintln!("loro export {exp:.1} ms import {:.1} ms", ms(t2));
            let theirs = other.export(ExportMode::Snapshot).unwrap();
            let t3 = Instant::now();
            let ours = LoroDoc::new();
            ours.import(&bytes).unwrap();
            ours.import(&theirs).unwrap();
            let out = ours.export(ExportMode::Snapshot).unwrap();
            eprintln!("loro sync: load ours + import theirs + save = {:.0} ms ({} bytes)", ms(t3), out.len());
            let merge = ms(t);
            if build < best.0 { best.0 = build; }
            if save < best.1 { best.1 = save; }
            if load < best.2 { best.2 = load; }
            if merge < best.3 { best.3 = merge; }
            best.4 = bytes.len();
            best.5 = batch.len();
        }
        println!("loro: build {:.0} ms, save {:.0} ms, {} bytes, load {:.0} ms, 10-change batch {} bytes merged in {:.1} ms", best.0, best.1, best.4, best.2, best.5, best.3);
    }
}
