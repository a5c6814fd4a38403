//! The embedded tables of `cuenca_radar::spec` against the machine-readable
//! definitions they were transcribed from (`../shared/corpora/asterix_specs`):
//! same UAP order, same framing and byte size for every item and compound subitem.
//! Skips itself when `../shared` is absent.

mod common;

use cuenca_radar::spec::{CategoryDef, Format, CAT034, CAT048};

/// One line of a `.ast` file: indent and text.
fn lines(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| (l.len() - l.trim_start().len(), l.trim()))
        .collect()
}

/// Total bits of `element N` / `spare N` lines in `body`.
fn bits(body: &[(usize, &str)]) -> usize {
    body.iter()
        .filter_map(|(_, t)| {
            let mut w = t.split_whitespace();
            match (w.next(), w.next(), w.next()) {
                (Some("element" | "spare"), Some(n), None) => n.parse::<usize>().ok(),
                _ => None,
            }
        })
        .sum()
}

/// Framing of a structure starting at `body[0]` (a `group`/`element`/... line),
/// whose lines extend while indented deeper than `body[0]`.
fn framing(body: &[(usize, &str)]) -> Format {
    let (ind, head) = body[0];
    let inner: Vec<(usize, &str)> = body[1..]
        .iter()
        .copied()
        .take_while(|(i, _)| *i > ind)
        .collect();
    let mut w = head.split_whitespace();
    match (w.next(), w.next()) {
        (Some("element"), Some(n)) => Format::Fixed((n.parse::<usize>().unwrap() / 8) as u8),
        (Some("group"), _) => Format::Fixed((bits(&inner) / 8) as u8),
        (Some("extended"), _) => Format::Extended,
        (Some("repetitive"), Some("fx")) => Format::Extended,
        (Some("repetitive"), Some(_)) => Format::Repetitive((bits(&inner) / 8) as u8),
        (Some("explicit"), _) => Format::Explicit,
        (Some("compound"), _) => Format::Compound(&[]),
        _ => panic!("unexpected structure {head}"),
    }
}

/// Sub-formats of a compound item (None for `-` spare slots).
fn compound_slots(body: &[(usize, &str)]) -> Vec<Option<Format>> {
    let (ind, _) = body[0];
    let sub_ind = body[1].0;
    let mut out = Vec::new();
    let mut i = 1;
    while i < body.len() && body[i].0 > ind {
        let (si, t) = body[i];
        if si == sub_ind {
            if t == "-" {
                out.push(None);
            } else {
                // Subitem name line; its structure is the next line one level in
                // that is not documentation.
                let j = (i + 1..body.len())
                    .find(|&j| {
                        body[j].0 == si + 4 && !matches!(body[j].1, "description" | "remark")
                    })
                    .unwrap();
                out.push(Some(framing(&body[j..])));
            }
        }
        i += 1;
    }
    out
}

fn check(def: &CategoryDef, rel: &str) {
    let Some(text) = common::read(rel) else {
        return;
    };
    let ls = lines(&text);
    let uap_at = ls.iter().position(|(i, t)| *i == 0 && *t == "uap").unwrap();
    let uap: Vec<&str> = ls[uap_at + 1..].iter().map(|(_, t)| *t).collect();
    let ours: Vec<String> = def
        .uap
        .iter()
        .map(|d| {
            d.map_or("-".to_string(), |d| {
                d.id.trim_start_matches('I').to_string()
            })
        })
        .collect();
    assert_eq!(ours, uap, "CAT{:03} UAP", def.cat);

    for item in def.uap.iter().flatten() {
        let code = item.id.trim_start_matches('I');
        let Some(start) = ls
            .iter()
            .position(|(i, t)| *i == 4 && t.starts_with(&format!("{code} \"")))
        else {
            // SP and RE have no item block in the items section.
            assert_eq!(item.format, Format::Explicit, "{}", item.id);
            continue;
        };
        let body: Vec<(usize, &str)> = ls[start + 1..]
            .iter()
            .copied()
            .take_while(|(i, _)| *i > 4)
            .collect();
        // The structure line is the first at indent 8 that is not documentation.
        let s = body
            .iter()
            .position(|(i, t)| {
                *i == 8 && !matches!(*t, "definition" | "remark") && !t.starts_with("unit")
            })
            .unwrap();
        let f = framing(&body[s..]);
        match (item.format, f) {
            (Format::Compound(subs), Format::Compound(_)) => {
                assert_eq!(subs.to_vec(), compound_slots(&body[s..]), "{}", item.id)
            }
            (ours, theirs) => assert_eq!(ours, theirs, "CAT{:03} {}", def.cat, item.id),
        }
    }
}

#[test]
fn cat048_table_matches_the_definition() {
    check(&CAT048, "asterix_specs/specs/cat048/cat-1.32.ast");
}

#[test]
fn cat034_table_matches_the_definition() {
    check(&CAT034, "asterix_specs/specs/cat034/cat-1.29.ast");
}
