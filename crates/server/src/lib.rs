//! The COP service: fusion over everything that arrives on zenoh, and the picture
//! served to people and partner systems.
//!
//! - [`release`] decides what each nation may see: nations are grouped into
//!   audiences that see the same sensors, and each audience gets its own picture.
//! - [`pipeline`] takes batches off the bus, checks them against the key space and the
//!   configured sensors, fuses them into each audience's picture, and at every update
//!   publishes the changes on zenoh and answers zenoh queries.
//! - [`cop`] holds what is served: per audience the latest view (features serialised
//!   once), the bounded history, and the update channel streams listen to.
//! - [`http`] serves the API, streams and web COP; [`auth`] checks tokens and
//!   [`audit`] records who asked for what; [`api`] is the wire shape of it all.

pub mod api;
pub mod audit;
pub mod auth;
pub mod cop;
pub mod http;
pub mod pipeline;
pub mod release;
