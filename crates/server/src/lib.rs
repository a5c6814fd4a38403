//! The COP service: fusion over everything that arrives on zenoh, and the picture
//! served to people and partner systems.
//!
//! - [`pipeline`] takes batches off the bus, checks them against the key space and
//!   the configured sensors, runs the [`Picture`](cuenca_fusion::picture::Picture)
//!   and publishes a snapshot.
//! - [`release`] is the one place that decides what a nation may see; every way out
//!   (HTTP now, streams and links later) goes through it.
//! - [`http`] serves the API.

pub mod http;
pub mod pipeline;
pub mod release;
