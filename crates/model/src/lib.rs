//! The shared language of Cuenca: what a sensor reports ([`Measurement`]), what the
//! fusion core maintains ([`Track`]), who owns and may see it ([`NationId`],
//! [`Releasability`]) and how it travels on zenoh ([`wire`], [`keys`]).
//!
//! Every other crate depends on this one and on nothing upstream of it, so the
//! types here are plain data with validation at their edges: a [`NationId`] is
//! always three upper-case letters, a [`SensorId`] is always safe inside a zenoh
//! key expression, and a decoded [`wire::MeasurementBatch`] has passed its
//! checksum and version check.
//!
//! ```
//! use cuenca_model::{wire, MeasurementBatch, NationId, SensorId};
//!
//! let batch = MeasurementBatch::new(NationId::new("COL")?, SensorId::new("col-radar-1")?, 7);
//! let bytes = wire::encode(&batch);
//! assert_eq!(wire::decode(&bytes)?, batch);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod ids;
pub mod keys;
mod measurement;
mod release;
mod time;
mod track;
pub mod wire;

pub use ids::{IdError, NationId, SensorId};
pub use measurement::{
    GeoPoint, Identity, Measurement, MeasurementError, MeasurementKind, Polar, PositionCov,
    SensorContext, Velocity,
};
pub use release::{Releasability, ReleaseTo};
pub use time::{TimeError, Timestamp};
pub use track::{Contribution, Domain, Track, TrackId, TrackStatus};
pub use wire::MeasurementBatch;
