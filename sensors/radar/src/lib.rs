//! Radar for Cuenca: ASTERIX CAT048 target reports and CAT034 service messages in,
//! a plain JSON plot format for partners without ASTERIX, JSON records
//! (`cuenca radar decode`) and [`cuenca_model::Measurement`]s out.
//!
//! # Why our own decoder
//!
//! No Rust crate decodes ASTERIX well from the category definitions: the crates
//! on crates.io hand-code a few categories and editions, lag the current editions,
//! do not skip items they do not know by the definition's framing, or panic on
//! hostile input. Every block from a partner's radar is external data: it must
//! never crash the service and every refusal needs a counted reason. Here framing
//! is table-driven ([`spec`]): each category's UAP and each item's format (fixed,
//! extended, repetitive, compound, explicit), transcribed from the machine-readable
//! definitions of `zoranbosnjak/asterix-specs` (CAT048 1.32, CAT034 1.29), so a
//! record is walked item by item whether or not we read the item's fields. Field
//! values are then read from the raw items ([`Cat048`], [`Cat034`], [`to_json`]).
//! Checked field by field against Croatia Control's `asterix` decoder (see
//! `tests/`).
//!
//! # Pieces
//!
//! * [`Decoder`]: bytes in (a datagram or a file of concatenated blocks),
//!   [`Record`]s out, refusals counted per [`RadarError::reason`].
//! * [`BlockStream`]: blocks cut out of a byte stream (TCP) read in any chunks.
//! * [`Cat048`], [`Cat034`]: field values; [`to_json`]: one JSON object per record.
//! * [`Plot`]: range, azimuth, altitude, identity; from CAT048 or from the plain JSON
//!   plot format ([`parse_plot_line`], [`PlotReader`]).
//! * [`to_measurement`]: a plot to a radar `Measurement` with polar and Cartesian
//!   parts.
//!
//! ```
//! use cuenca_radar::{to_json, Cat048, Decoder, Plot};
//!
//! // One CAT048 block: I010 (25/201) and I040 (RHO 100 NM, THETA 90°).
//! let datagram = [48, 0, 10, 0x90, 25, 201, 0x64, 0x00, 0x40, 0x00];
//! let mut dec = Decoder::new();
//! for record in dec.decode(&datagram)? {
//!     println!("{}", to_json(&record));
//!     let report = Cat048::from_record(&record);
//!     assert_eq!(report.rho_theta, Some((100.0, 90.0)));
//!     assert!(Plot::from_cat048(&report).is_none()); // no time of day
//! }
//! assert_eq!(dec.stats().records, 1);
//! # Ok::<(), cuenca_radar::RadarError>(())
//! ```

mod asterix;
mod decoder;
mod error;
mod fields;
mod json;
mod measurement;
mod plot;
pub mod spec;
mod stream;

pub use asterix::{decode_block, Record};
pub use decoder::{Decoder, Stats};
pub use error::{PlotError, RadarError};
pub use fields::{icao_chars, Cat034, Cat048, FlightLevel, Mode3A, FT_M, NM_M};
pub use json::to_json;
pub use measurement::{day_of, destination, to_measurement, SensorContext, EARTH_RADIUS_M};
pub use plot::{parse_plot_line, JsonPlot, Plot, PlotReader, PlotTime};
pub use stream::BlockStream;
