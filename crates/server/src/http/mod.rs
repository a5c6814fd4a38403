//! The HTTP API (axum) under `/api/v1`, plus health, metrics and the web COP.
//!
//! Every request but health passes [`gate`]: it resolves the token (header
//! `Authorization: Bearer …`, or `?access_token=` for browsers' EventSource and
//! WebSocket, which cannot set headers) and writes the audit record. Handlers then
//! read only their nation's [`AudienceState`](crate::cop::AudienceState), so what any
//! endpoint can return is bounded by [`crate::release`].

mod openapi;
mod query;
mod stream;
mod tracks;

use crate::api::{ErrorBody, Me, SensorStatus, Sensors};
use crate::audit::{Audit, Record};
use crate::auth::{role_name, Principal, Tokens};
use crate::cop::AudienceState;
use crate::pipeline::Shared;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use cuenca_config::{Config, CopConfig, Role};
use std::fmt::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;

pub use openapi::document as openapi_document;
pub use query::{parse_track_query, ParamError, TrackQuery};

/// Serves the static web COP: `Some((bytes, content type))` for a path, `None` if absent.
pub type Assets = fn(&str) -> Option<(&'static [u8], &'static str)>;

/// Everything a handler needs.
#[derive(Clone)]
pub struct App {
    pub shared: Arc<Shared>,
    pub tokens: Arc<Tokens>,
    pub audit: Option<Audit>,
    pub audit_path: PathBuf,
    pub cop: CopConfig,
    pub sensors: Arc<Vec<cuenca_config::SensorConfig>>,
    pub assets: Option<Assets>,
}

impl App {
    /// The app for `cfg`; `audit` is `None` only in tests that do not care.
    pub fn new(cfg: &Config, shared: Arc<Shared>, audit: Option<Audit>) -> App {
        App {
            shared,
            tokens: Arc::new(Tokens::new(&cfg.tokens)),
            audit,
            audit_path: cfg.audit.path.clone(),
            cop: cfg.cop.clone(),
            sensors: Arc::new(cfg.sensors.clone()),
            assets: None,
        }
    }

    /// What `p`'s nation may see.
    fn audience(&self, p: &Principal) -> Result<&AudienceState, ApiError> {
        self.shared
            .cop
            .for_nation(p.nation)
            .ok_or(ApiError::Forbidden("your nation is not a member"))
    }
}

/// Why a request failed; each maps to a status and a JSON body.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    Unauthorized,
    Forbidden(&'static str),
    BadParam(ParamError),
    NotFound(String),
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, error, parameter) = match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "missing or unknown API token (Authorization: Bearer TOKEN, or ?access_token=TOKEN)"
                    .to_string(),
                None,
            ),
            ApiError::Forbidden(why) => (StatusCode::FORBIDDEN, why.to_string(), None),
            ApiError::BadParam(e) => (
                StatusCode::BAD_REQUEST,
                e.to_string(),
                Some(e.parameter.to_string()),
            ),
            ApiError::NotFound(what) => (StatusCode::NOT_FOUND, what, None),
        };
        let mut r = (status, Json(ErrorBody { error, parameter })).into_response();
        if status == StatusCode::UNAUTHORIZED {
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"cuenca\""),
            );
        }
        r
    }
}

impl From<ParamError> for ApiError {
    fn from(e: ParamError) -> Self {
        ApiError::BadParam(e)
    }
}

/// Refuses `p` unless its role is at least `need`.
pub fn require(p: &Principal, need: Role) -> Result<(), ApiError> {
    if p.role >= need {
        Ok(())
    } else {
        Err(ApiError::Forbidden(match need {
            Role::Viewer => "needs the viewer role",
            Role::Operator => "needs the operator role",
            Role::Admin => "needs the admin role",
        }))
    }
}

/// The router with every route.
pub fn router(app: App) -> Router {
    let api = Router::new()
        .route("/api/v1/me", get(me))
        .route("/api/v1/tracks", get(tracks::list))
        .route("/api/v1/tracks/{id}", get(tracks::detail))
        .route("/api/v1/tracks/{id}/history", get(tracks::history))
        .route("/api/v1/sensors", get(sensors_list))
        .route("/api/v1/stream", get(stream::stream))
        .route("/api/v1/audit", get(audit_tail))
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/metrics", get(metrics))
        .fallback(static_or_404);
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .merge(api.layer(axum::middleware::from_fn_with_state(app.clone(), gate)))
        .with_state(app)
}

/// The token from the header or the `access_token` parameter.
fn presented_token(req: &Request) -> Option<String> {
    if let Some(v) = req.headers().get(header::AUTHORIZATION) {
        let v = v.to_str().ok()?;
        let (scheme, token) = v.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_string());
    }
    form_urlencoded::parse(req.uri().query()?.as_bytes())
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v.into_owned())
}

/// Path and query as recorded: any token removed.
fn audit_target(req: &Request) -> String {
    let path = req.uri().path().to_string();
    let Some(q) = req.uri().query() else {
        return path;
    };
    let kept: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form_urlencoded::parse(q.as_bytes()).filter(|(k, _)| k != "access_token"))
        .finish();
    if kept.is_empty() {
        path
    } else {
        format!("{path}?{kept}")
    }
}

/// Authentication and audit for everything behind it.
async fn gate(State(app): State<App>, mut req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/") || req.uri().path() == "/metrics";
    let principal = presented_token(&req).and_then(|t| app.tokens.check(&t).cloned());
    let target = audit_target(&req);
    let method = req.method().to_string();
    let remote = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.to_string());
    let response = match (&principal, is_api) {
        (None, true) => ApiError::Unauthorized.into_response(),
        (Some(p), _) => {
            req.extensions_mut().insert(p.clone());
            next.run(req).await
        }
        (None, false) => next.run(req).await,
    };
    let status = response.status().as_u16();
    app.shared.metrics.http_response(status);
    if let (Some(audit), true) = (&app.audit, is_api) {
        audit.record(Record {
            time: cuenca_model::Timestamp::now(),
            nation: principal.as_ref().map(|p| p.nation.to_string()),
            who: principal.as_ref().map(|p| p.label.clone()),
            role: principal.as_ref().map(|p| role_name(p.role)),
            method,
            target,
            status,
            remote,
        });
    }
    response
}

async fn readyz(State(app): State<App>) -> (StatusCode, &'static str) {
    if app.shared.ready.load(Ordering::Relaxed) {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "starting")
    }
}

#[utoipa::path(get, path = "/api/v1/me", tag = "access",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn me(Extension(p): Extension<Principal>) -> Json<Me> {
    Json(Me {
        nation: p.nation.to_string(),
        role: role_name(p.role).to_string(),
        label: p.label,
    })
}

#[utoipa::path(get, path = "/api/v1/sensors", tag = "sensors",
    description = "The sensors whose data the caller's nation may see, with their counters.",
    responses((status = 200, body = Sensors), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn sensors_list(
    State(app): State<App>,
    Extension(p): Extension<Principal>,
) -> Result<Json<Sensors>, ApiError> {
    let audience = app.audience(&p)?;
    let stats = app
        .shared
        .metrics
        .sensors
        .lock()
        .map(|m| m.clone())
        .unwrap_or_default();
    let sensors = app
        .sensors
        .iter()
        .filter(|s| audience.audience.sensors.contains(&s.id))
        .map(|s| {
            let st = stats.get(&s.id).cloned().unwrap_or_default();
            SensorStatus {
                id: s.id.to_string(),
                nation: s.nation.to_string(),
                kind: crate::api::kind_name(s.kind),
                release: s.release.clone(),
                last_seen: st.last_seen.map(|t| t.to_string()),
                batches: st.batches,
                measurements: st.measurements,
                errors: st.errors,
            }
        })
        .collect();
    Ok(Json(Sensors { sensors }))
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "access",
    description = "The newest audit records (admin only).",
    params(("limit" = Option<usize>, Query, description = "records, default 100, at most 10000")),
    responses((status = 200, description = "JSON array of records"), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn audit_tail(
    State(app): State<App>,
    Extension(p): Extension<Principal>,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Result<Json<Vec<serde_json::Value>>, ApiError> {
    require(&p, Role::Admin)?;
    let pairs = query::pairs(q.as_deref(), &["limit"])?;
    let limit = query::get_usize(&pairs, "limit", 100, 1, 10_000)?;
    crate::audit::tail(&app.audit_path, limit)
        .map(Json)
        .map_err(|e| ApiError::NotFound(format!("audit log not readable: {e}")))
}

async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi::document(),
    )
        .into_response()
}

async fn static_or_404(State(app): State<App>, req: Request) -> Response {
    let path = req.uri().path();
    if !path.starts_with("/api/") {
        if let Some((bytes, mime)) = app.assets.and_then(|f| f(path)) {
            // Built files under assets/ carry a content hash in their names.
            let cache = if path.starts_with("/assets/") {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            return (
                [(header::CONTENT_TYPE, mime), (header::CACHE_CONTROL, cache)],
                bytes,
            )
                .into_response();
        }
    }
    ApiError::NotFound(format!("no such resource: {path}")).into_response()
}

async fn metrics(State(app): State<App>, Extension(p): Extension<Principal>) -> Response {
    if let Err(e) = require(&p, Role::Operator) {
        return e.into_response();
    }
    let m = &app.shared.metrics;
    let mut out = String::new();
    let mut counter = |name: &str, help: &str, v: u64| {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}"
        );
    };
    counter(
        "cuenca_batches_received_total",
        "Measurement batches taken off zenoh.",
        m.batches_received.load(Ordering::Relaxed),
    );
    counter(
        "cuenca_measurements_accepted_total",
        "Measurements fused.",
        m.measurements_accepted.load(Ordering::Relaxed),
    );
    counter(
        "cuenca_picture_updates_total",
        "Picture snapshots served.",
        m.updates.load(Ordering::Relaxed),
    );
    counter(
        "cuenca_streams_opened_total",
        "Live streams opened (SSE and WebSocket).",
        m.streams_opened.load(Ordering::Relaxed),
    );
    counter(
        "cuenca_streams_dropped_slow_total",
        "Live stream clients dropped for falling behind.",
        m.streams_dropped_slow.load(Ordering::Relaxed),
    );
    if let Some(a) = &app.audit {
        counter(
            "cuenca_audit_records_total",
            "Audit records written.",
            a.written.load(Ordering::Relaxed),
        );
        counter(
            "cuenca_audit_failures_total",
            "Audit records that could not be written.",
            a.failures.load(Ordering::Relaxed),
        );
    }
    let _ = writeln!(out, "# HELP cuenca_rejected_total Refused batches and measurements by reason.\n# TYPE cuenca_rejected_total counter");
    if let Ok(r) = m.rejected.lock() {
        for (reason, n) in r.iter() {
            let _ = writeln!(out, "cuenca_rejected_total{{reason=\"{reason}\"}} {n}");
        }
    }
    let _ = writeln!(out, "# HELP cuenca_http_responses_total HTTP responses by status.\n# TYPE cuenca_http_responses_total counter");
    if let Ok(r) = m.http.lock() {
        for (status, n) in r.iter() {
            let _ = writeln!(
                out,
                "cuenca_http_responses_total{{status=\"{status}\"}} {n}"
            );
        }
    }
    // Each family's samples follow its own HELP and TYPE lines.
    let _ = writeln!(out, "# HELP cuenca_tracks Tracks in each audience's picture (one audience per release pattern) by status.\n# TYPE cuenca_tracks gauge");
    for (i, a) in app.shared.cop.audiences.iter().enumerate() {
        let v = a.view();
        for status in [
            cuenca_model::TrackStatus::Tentative,
            cuenca_model::TrackStatus::Confirmed,
            cuenca_model::TrackStatus::Coasting,
        ] {
            let n = v
                .entries
                .iter()
                .filter(|e| e.track.status == status)
                .count();
            let _ = writeln!(
                out,
                "cuenca_tracks{{audience=\"{i}\",status=\"{}\"}} {n}",
                crate::api::status_name(status)
            );
        }
    }
    let _ = writeln!(out, "# HELP cuenca_stream_clients Open live streams per audience.\n# TYPE cuenca_stream_clients gauge");
    for (i, a) in app.shared.cop.audiences.iter().enumerate() {
        let _ = writeln!(
            out,
            "cuenca_stream_clients{{audience=\"{i}\"}} {}",
            a.subscribers()
        );
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], out).into_response()
}
