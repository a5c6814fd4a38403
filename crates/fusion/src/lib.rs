//! The fusion core: measurements in, tracks out.
//!
//! It exists so the filtering, gating and association logic lives in one place,
//! free of I/O: the service, `cuenca eval` and the benchmarks all drive the same
//! [`tracker::Tracker`].
//!
//! - [`geodesy`]: WGS-84, ECEF and per-track tangent planes.
//! - [`filter`]: constant-velocity and IMM filters on adskalman, position and radar
//!   (range/azimuth) updates.
//! - [`assign`]: optimal assignment for global nearest neighbour.
//! - [`tracker`]: gating on an R-tree, association by identity and by GNN, track
//!   lifecycle and out-of-sequence measurements.
//! - [`gospa`]: the GOSPA metric used to score the tracker.
//! - [`generate`]: harder scenarios (manoeuvres, crossings, dense clutter, low Pd) in
//!   the Stone Soup CSV format.

pub mod assign;
pub mod eval;
pub mod filter;
pub mod generate;
pub mod geodesy;
pub mod gospa;
pub mod picture;
pub mod tracker;
