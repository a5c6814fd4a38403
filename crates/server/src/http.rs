//! The HTTP API (axum). Everything that leaves goes through [`crate::release::view`].

use crate::pipeline::{SensorStats, Shared};
use crate::release::{view, Viewer};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use cuenca_model::{MeasurementKind, NationId, ReleaseTo, SensorId, Track};
use serde::Serialize;
use serde_json::{json, Value};
use std::fmt::Write;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Sensors as configured, for `/api/v1/sensors`.
#[derive(Debug, Clone, Serialize)]
pub struct SensorEntry {
    pub id: SensorId,
    pub nation: NationId,
    pub kind: MeasurementKind,
    pub release: ReleaseTo,
}

#[derive(Clone)]
struct App {
    shared: Arc<Shared>,
    sensors: Arc<Vec<SensorEntry>>,
}

/// The router with every route.
pub fn router(shared: Arc<Shared>, sensors: Vec<SensorEntry>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/api/v1/tracks", get(tracks))
        .route("/api/v1/sensors", get(sensors_list))
        .with_state(App {
            shared,
            sensors: Arc::new(sensors),
        })
}

async fn readyz(State(app): State<App>) -> (StatusCode, &'static str) {
    if app.shared.ready.load(Ordering::Relaxed) {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "starting")
    }
}

/// A track as a GeoJSON feature (RFC 7946: longitude first).
pub fn feature(t: &Track) -> Value {
    json!({
        "type": "Feature",
        "id": t.id.0,
        "geometry": { "type": "Point", "coordinates": [t.position.lon, t.position.lat] },
        "properties": {
            "status": t.status,
            "domain": t.domain,
            "speed_mps": t.speed_mps(),
            "course_deg": t.course_deg(),
            "identity": t.identity,
            "sensors": t.contributions.iter().map(|c| c.sensor.as_str()).collect::<Vec<_>>(),
            "nations": t.contributions.iter().map(|c| c.nation.as_str()).collect::<Vec<_>>(),
            "updated": t.updated,
        }
    })
}

async fn tracks(State(app): State<App>) -> Response {
    // Without credentials (issue 5 adds tokens) only all-member releases are shown.
    let snap = app.shared.snapshot();
    let features: Vec<Value> = snap
        .tracks
        .iter()
        .filter_map(|t| view(t, Viewer::Public))
        .map(|t| feature(&t))
        .collect();
    let n = features.len();
    let body = json!({
        "type": "FeatureCollection",
        "timeStamp": snap.time,
        "numberMatched": n,
        "numberReturned": n,
        "features": features,
    });
    ([(header::CONTENT_TYPE, "application/geo+json")], Json(body)).into_response()
}

#[derive(Serialize)]
struct SensorOut<'a> {
    #[serde(flatten)]
    entry: &'a SensorEntry,
    #[serde(flatten)]
    stats: SensorStats,
}

async fn sensors_list(State(app): State<App>) -> Json<Value> {
    let stats = app
        .shared
        .metrics
        .sensors
        .lock()
        .map(|m| m.clone())
        .unwrap_or_default();
    let list: Vec<SensorOut> = app
        .sensors
        .iter()
        .map(|entry| SensorOut {
            entry,
            stats: stats.get(&entry.id).cloned().unwrap_or_default(),
        })
        .collect();
    Json(json!({ "sensors": list }))
}

async fn metrics(State(app): State<App>) -> Response {
    let m = &app.shared.metrics;
    let mut out = String::new();
    let _ = writeln!(out, "# TYPE cuenca_batches_received_total counter");
    let _ = writeln!(
        out,
        "cuenca_batches_received_total {}",
        m.batches_received.load(Ordering::Relaxed)
    );
    let _ = writeln!(out, "# TYPE cuenca_measurements_accepted_total counter");
    let _ = writeln!(
        out,
        "cuenca_measurements_accepted_total {}",
        m.measurements_accepted.load(Ordering::Relaxed)
    );
    let _ = writeln!(out, "# TYPE cuenca_rejected_total counter");
    if let Ok(r) = m.rejected.lock() {
        for (reason, n) in r.iter() {
            let _ = writeln!(out, "cuenca_rejected_total{{reason=\"{reason}\"}} {n}");
        }
    }
    let snap = app.shared.snapshot();
    let _ = writeln!(out, "# TYPE cuenca_tracks gauge");
    for status in ["tentative", "confirmed", "coasting"] {
        let n = snap
            .tracks
            .iter()
            .filter(|t| serde_json::to_value(t.status).ok() == Some(json!(status)))
            .count();
        let _ = writeln!(out, "cuenca_tracks{{status=\"{status}\"}} {n}");
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}
