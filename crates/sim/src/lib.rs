//! Simulated traffic seen by simulated sensors, producing the same
//! [`MeasurementBatch`](cuenca_model::MeasurementBatch)es real adapters publish.
//!
//! It sits upstream of fusion: what it makes goes out on zenoh like any sensor's data,
//! so the demo exercises the whole pipeline. Exercises and replays (scenario files,
//! recorded feeds) will live here too.

pub mod demo;
