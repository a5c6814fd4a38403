//! ADS-B and Mode S for Cuenca: Beast binary, AVR text and SBS-1 (BaseStation)
//! feeds in; decoded frames, JSON lines and [`cuenca_model::Measurement`]s out.
//!
//! # Why this crate exists
//!
//! Partner nations run 1090 MHz receivers (dump1090, readsb, Mode-S Beast,
//! BaseStation) and share what they hear in one of three formats. The fusion
//! service needs their aircraft as `AdsbReport` measurements, and every byte from a
//! partner is external data: it must never crash the service and every refusal
//! needs a counted reason. The framing is small and hostile-input-shaped, so it is
//! ours ([`BeastReader`], [`parse_avr`], [`parse_sbs`]). Mode S decoding is not:
//! the bit layouts of a dozen downlink formats and BDS registers, Gillham
//! altitudes and CPR are done and tested in [`rs1090`], so [`Decoder`] wraps it
//! and adds what rs1090 leaves to the caller in our setting: per-aircraft CPR state
//! ([`AircraftState`]: last even and odd frame with their times, last position),
//! global and local position decoding, and identity joined across frames.
//!
//! # Pieces
//!
//! * [`BeastReader`]: byte chunks in (cut anywhere), [`RawFrame`]s out, junk and
//!   truncated frames counted in [`Stats`].
//! * [`parse_avr`] / [`AvrReader`]: `*hex;` and `@<time>hex;` lines.
//! * [`parse_sbs`] / [`SbsReader`]: port 30003 `MSG,…` lines into [`SbsMessage`].
//! * [`Decoder`]: rs1090 plus CPR state, giving [`Decoded`].
//! * [`to_json`]: one JSON object per frame (`cuenca adsb decode`).
//! * [`to_measurement`]: positions to the fusion core's `Measurement`.
//!
//! ```
//! use cuenca_adsb::{to_json, BeastReader, Decoder};
//!
//! // Two Beast frames (an even/odd pair), fed in awkward chunks.
//! let mut stream = Vec::new();
//! for (ts, hex) in [(1u8, "8D40621D58C382D690C8AC2863A7"), (2, "8D40621D58C386435CC412692AD6")] {
//!     stream.extend([0x1a, b'3', 0, 0, 0, 0, 0, ts, 0x55]);
//!     stream.extend((0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()));
//! }
//! let mut reader = BeastReader::new();
//! let mut dec = Decoder::new();
//! let mut last = None;
//! for chunk in stream.chunks(5) {
//!     for f in reader.feed(chunk) {
//!         let t = f.timestamp_12mhz.unwrap_or(0) as f64 / 12e6;
//!         if let Ok(d) = dec.decode_frame(&f, t) {
//!             last = Some(to_json(&d));
//!         }
//!     }
//! }
//! let j = last.unwrap();
//! assert_eq!(j["icao24"], "40621d");
//! assert_eq!(j["altitude"], 38000);
//! assert!((j["lat"].as_f64().unwrap() - 52.2658).abs() < 1e-3);
//! ```

mod decode;
mod error;
mod frame;
mod json;
mod measurement;

pub use decode::{
    decode_message, AircraftState, Decoded, Decoder, PositionSource, MAX_AIRCRAFT,
    MAX_LOCAL_REF_AGE_S, MAX_PAIR_AGE_S, STALE_AFTER_S,
};
pub use error::{AdsbError, Stats};
pub use frame::{parse_avr, parse_sbs, AvrReader, BeastReader, RawFrame, SbsMessage, SbsReader};
pub use json::to_json;
pub use measurement::{
    sigma_from_nac_p, to_measurement, SensorContext, MAX_VELOCITY_AGE_S, SIGMA_DEFAULT_M,
};
