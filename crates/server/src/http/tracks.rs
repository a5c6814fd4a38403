//! `/api/v1/tracks`: the picture as GeoJSON, one track's detail and its history.

use super::query::{get_time, pairs, parse_track_query};
use super::{ApiError, App};
use crate::api::{ErrorBody, FeatureCollection, History, TrackDetail};
use crate::auth::Principal;
use axum::extract::{Path, RawQuery, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use cuenca_model::{Timestamp, TrackId};

/// A `/tracks` page, written from the cached features.
#[utoipa::path(get, path = "/api/v1/tracks", tag = "tracks",
    description = "The caller's nation's picture as a GeoJSON FeatureCollection (RFC 7946), \
                   OGC API – Features style, sorted by track id.",
    params(
        ("bbox" = Option<String>, Query, description = "west,south,east,north in degrees (lon/lat); west > east crosses the antimeridian"),
        ("domain" = Option<String>, Query, description = "comma list of sea, air, unknown"),
        ("status" = Option<String>, Query, description = "comma list of tentative, confirmed, coasting"),
        ("mmsi" = Option<u32>, Query, description = "AIS identity"),
        ("icao" = Option<String>, Query, description = "ICAO 24-bit address, six hex digits"),
        ("callsign" = Option<String>, Query, description = "exact, case-insensitive"),
        ("updated_since" = Option<String>, Query, description = "RFC 3339: only tracks updated at or after"),
        ("limit" = Option<usize>, Query, description = "features per page (default 1000, at most cop.max_page)"),
        ("offset" = Option<usize>, Query, description = "features to skip (the `next` link sets it)"),
    ),
    responses(
        (status = 200, description = "application/geo+json", body = FeatureCollection),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(app): State<App>,
    Extension(p): Extension<Principal>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let query = parse_track_query(q.as_deref(), app.cop.max_page)?;
    let view = app.audience(&p)?.view();
    let mut matched = 0usize;
    let selected = view.select(query.filter.bbox.as_ref());
    // The selection is already inside the bbox; other filters look at each track.
    let check = !query.filter.bbox_only();
    let mut body = String::with_capacity(512 + 320 * selected.len().min(query.limit));
    body.push_str("{\"type\":\"FeatureCollection\",\"timeStamp\":\"");
    body.push_str(&view.time.to_string());
    body.push_str("\",\"features\":[");
    let mut returned = 0usize;
    for i in selected {
        let e = &view.entries[i as usize];
        if check && !query.filter.matches(&e.track) {
            continue;
        }
        if matched >= query.offset && returned < query.limit {
            if returned > 0 {
                body.push(',');
            }
            body.push_str(&e.feature);
            returned += 1;
        }
        matched += 1;
    }
    let link = |offset: Option<usize>| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.extend_pairs(query.base.iter());
        if let Some(o) = offset.filter(|&o| o > 0) {
            s.append_pair("offset", &o.to_string());
        }
        let q = s.finish();
        let href = if q.is_empty() {
            "/api/v1/tracks".to_string()
        } else {
            format!("/api/v1/tracks?{q}")
        };
        serde_json::to_string(&href).unwrap_or_default()
    };
    body.push_str("],\"numberMatched\":");
    body.push_str(&matched.to_string());
    body.push_str(",\"numberReturned\":");
    body.push_str(&returned.to_string());
    body.push_str(",\"links\":[{\"rel\":\"self\",\"type\":\"application/geo+json\",\"href\":");
    body.push_str(&link(Some(query.offset)));
    body.push('}');
    let next = query.offset + returned;
    if next < matched {
        body.push_str(",{\"rel\":\"next\",\"type\":\"application/geo+json\",\"href\":");
        body.push_str(&link(Some(next)));
        body.push('}');
    }
    body.push_str("]}");
    Ok(([(header::CONTENT_TYPE, "application/geo+json")], body).into_response())
}

fn track_id(raw: &str) -> Result<TrackId, ApiError> {
    raw.trim_start_matches('T')
        .parse::<u64>()
        .map(TrackId)
        .map_err(|_| {
            ApiError::BadParam(super::ParamError {
                parameter: "id".into(),
                reason: format!("{raw:?} is not a track id"),
            })
        })
}

fn not_found(id: TrackId) -> ApiError {
    // The same answer whether the track does not exist or is not released to the
    // caller: existence itself is not leaked.
    ApiError::NotFound(format!("no track {} in your picture", id.0))
}

/// One track.
#[utoipa::path(get, path = "/api/v1/tracks/{id}", tag = "tracks",
    params(("id" = u64, Path, description = "track id")),
    responses((status = 200, body = TrackDetail), (status = 404, body = ErrorBody), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn detail(
    State(app): State<App>,
    Extension(p): Extension<Principal>,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Json<TrackDetail>, ApiError> {
    pairs(q.as_deref(), &[])?;
    let id = track_id(&raw)?;
    let view = app.audience(&p)?.view();
    let e = view.get(id).ok_or_else(|| not_found(id))?;
    Ok(Json(TrackDetail::from(&e.track)))
}

/// One track's recent positions.
#[utoipa::path(get, path = "/api/v1/tracks/{id}/history", tag = "tracks",
    description = "Recent positions, oldest first; bounded by cop.history_points and kept in memory.",
    params(("id" = u64, Path, description = "track id"),
           ("from" = Option<String>, Query, description = "RFC 3339"),
           ("to" = Option<String>, Query, description = "RFC 3339")),
    responses((status = 200, body = History), (status = 404, body = ErrorBody), (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn history(
    State(app): State<App>,
    Extension(p): Extension<Principal>,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Json<History>, ApiError> {
    let params = pairs(q.as_deref(), &["from", "to"])?;
    let from = get_time(&params, "from")?.unwrap_or(Timestamp(i64::MIN));
    let to = get_time(&params, "to")?.unwrap_or(Timestamp(i64::MAX));
    let id = track_id(&raw)?;
    let a = app.audience(&p)?;
    if a.view().get(id).is_none() {
        return Err(not_found(id));
    }
    Ok(Json(History {
        id: id.0,
        points: a.history(id, from, to),
    }))
}
