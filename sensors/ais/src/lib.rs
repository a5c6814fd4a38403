//! AIS for Cuenca: NMEA 0183 `!AIVDM`/`!AIVDO` in, decoded messages, gpsd-style
//! JSON and [`cuenca_model::Measurement`]s out.
//!
//! # Why our own decoder
//!
//! No Rust crate covers AIS well enough for a fusion service: the ones on
//! crates.io decode a subset of the 27 message types, allocate per sentence,
//! ignore NMEA 4.0 tag blocks or `$PGHP` receive times, reassemble multi-sentence
//! messages only when they are not interleaved, or panic on hostile input. Here
//! every line from a partner's receiver is external data: it must never crash the
//! service, every refusal needs a counted reason, and a centre's merged feed has to
//! be decoded at millions of sentences per second on one core. This crate is
//! written from ITU-R M.1371-5 and IEC 61162-1/-450, checked field by field
//! against gpsd, libais and pyais outputs (see `tests/`).
//!
//! # Pieces
//!
//! * [`Decoder`]: feed lines, get [`Decoded`] messages with [`Meta`] (time and
//!   source from a tag block or a `$PGHP` line, talker, channel). Checksums,
//!   interleaved multi-sentence reassembly, per-reason [`Stats`]. No allocation per
//!   line: payloads are de-armored into a stack [`Payload`].
//! * [`Message`]: all 27 types, raw on-air values plus unit accessors. Binary
//!   application data (types 6, 8, 17, 25, 26) is kept as bits ([`BinaryData`]).
//! * [`to_gpsd_json`] / [`to_gpsd_json_unscaled`]: gpsd's AIS JSON.
//! * [`to_measurement`]: position reports to the fusion core's `Measurement`.
//!
//! ```
//! use cuenca_ais::{to_gpsd_json, Decoder};
//!
//! let mut dec = Decoder::new();
//! let mut out = Vec::new();
//! for line in [
//!     "$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B",
//!     "!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2B",
//!     "!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2C", // corrupted
//! ] {
//!     match dec.feed_line(line) {
//!         Ok(Some(d)) => out.push(d),
//!         Ok(None) => {}
//!         Err(e) => eprintln!("refused: {}", e.reason()),
//!     }
//! }
//! assert_eq!(out.len(), 1);
//! assert_eq!(out[0].message.msg_type(), 4);
//! assert_eq!(out[0].meta.time.unwrap().to_string(), "2010-06-11T11:46:11.390000Z");
//! assert_eq!(to_gpsd_json(&out[0].message)["epfd_text"], "GPS");
//! assert_eq!(dec.stats().errors("bad_checksum"), 1);
//! ```

mod bits;
mod decoder;
mod error;
pub mod gpsd;
mod measurement;
mod message;

pub use bits::{BinaryData, Payload, SixBitText, MAX_PAYLOAD_BITS, SIXBIT_ASCII};
pub use decoder::{Decoded, Decoder, Meta, SourceId, Stats, TimeSource, MAX_PARTIALS};
pub use error::AisError;
pub use gpsd::{to_gpsd_json, to_gpsd_json_opts, to_gpsd_json_unscaled, GpsdOptions};
pub use measurement::{to_measurement, SensorContext, SIGMA_ACCURATE_M, SIGMA_DEFAULT_M};
pub use message::*;

/// Decodes one complete payload (the armored field of a single-sentence message and
/// its fill bits) without any NMEA framing.
///
/// ```
/// let m = cuenca_ais::decode_payload("15RTgt0PAso;90TKcjM8h6g208CQ", 0)?;
/// assert_eq!(m.mmsi(), 371_798_000);
/// # Ok::<(), cuenca_ais::AisError>(())
/// ```
pub fn decode_payload(armored: &str, fill: u8) -> Result<Message, AisError> {
    Message::decode(&Payload::from_armored(armored.as_bytes(), fill)?)
}
