//! adsb_deku's LAX capture: 215,606 AVR lines (`*hex;`), no time stamps and no
//! expected values. Every line must frame; decoding is checked for coverage and
//! plausibility (positions near Los Angeles, identities consistent).

mod common;
use cuenca_adsb::{AvrReader, Decoder};
use std::collections::BTreeMap;

#[test]
fn lax_avr_frames_and_decodes() {
    let Some(p) = common::shared("data/adsb/lax_avr.txt") else {
        return;
    };
    let text = std::fs::read_to_string(p).expect("readable");
    let mut avr = AvrReader::default();
    // The receiver sits near LAX; without times, pair frames 0.5 s apart.
    let mut dec = Decoder::with_reference(33.94, -118.40);
    let mut by_df: BTreeMap<u8, usize> = BTreeMap::new();
    let (mut lines, mut positions, mut far, mut global) = (0usize, 0usize, 0usize, 0usize);
    let (mut surface, mut surface_far) = (0usize, 0usize);
    let mut refused = Vec::new();
    for (i, line) in text.lines().enumerate() {
        lines += 1;
        let Some(f) = avr.feed_line(line) else {
            continue;
        };
        let r = dec.decode_frame(&f, i as f64 * 0.5 / 60.0);
        if r.is_err() && refused.len() < 8 {
            refused.push(format!("{} {:?}", f.to_hex(), r.as_ref().err()));
        }
        if let Ok(d) = r {
            *by_df.entry(d.df).or_default() += 1;
            if let (Some(lat), Some(lon)) = (d.lat, d.lon) {
                positions += 1;
                global +=
                    usize::from(d.position_source == Some(cuenca_adsb::PositionSource::Global));
                // within about 400 km of LAX
                if (lat - 33.94).abs() > 4.0 || (lon + 118.40).abs() > 5.0 {
                    far += 1;
                }
                if d.on_surface {
                    surface += 1;
                    // LAX and the other Los Angeles basin airports
                    if (lat - 33.94).abs() > 0.5 || (lon + 118.40).abs() > 0.5 {
                        surface_far += 1;
                    }
                }
            }
        }
    }
    eprintln!(
        "lax_avr: {lines} lines, avr {:?} accepted {}; decoder accepted {} {:?}; by DF {by_df:?}; {positions} positions ({global} global), {far} far from LAX, {surface} surface positions ({surface_far} off the LA basin), {} aircraft; refused {refused:?}",
        avr.stats().nonzero(),
        avr.stats().accepted,
        dec.stats().accepted,
        dec.stats().nonzero(),
        dec.aircraft_count()
    );
    assert_eq!(avr.stats().accepted as usize, lines);
    assert!(dec.stats().accepted as f64 >= 0.95 * lines as f64);
    assert!(positions > 20_000);
    assert!((far as f64) < 0.001 * positions as f64);
    assert!(surface > 0);
    assert_eq!(surface_far, 0);
}
