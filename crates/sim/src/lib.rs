//! Simulated traffic seen by simulated sensors, and recorded feeds played back,
//! producing the same [`MeasurementBatch`](cuenca_model::MeasurementBatch)es real
//! adapters publish.
//!
//! It sits upstream of fusion: what it makes goes out on zenoh like any sensor's
//! data, so the demo, exercises and replays drive the whole pipeline.
//!
//! * [`demo`]: the built-in demo world of `cuenca serve`.
//! * [`scenario`]: the exercise file format (TOML); [`engine`] runs it, writing each
//!   sensor's native format ([`encode`]: NMEA, AVR, JSON plots, ASTERIX CAT048) and reading it back
//!   with the real decoders.
//! * [`replay`]: recordings (NMEA with tag blocks or `$PGHP`, Beast CSV, AVR,
//!   Tracktable, MarineCadastre CSV) read into time-ordered measurements.

pub mod demo;
pub mod encode;
pub mod engine;
pub mod replay;
pub mod scenario;
