//! `/api/v1/stream`: live track updates as Server-Sent Events or WebSocket messages.
//!
//! Each client gets its own task that takes the audience's deltas as they come,
//! keeps only what passes the client's filters, and flushes the coalesced changes
//! at the client's rate into a small bounded queue. The transport drains that queue;
//! when it cannot keep up the queue fills and the client is dropped, so one slow
//! client never slows the picture or the other clients.

use super::query::{pairs, parse_filter};
use super::{ApiError, App};
use crate::auth::Principal;
use crate::cop::{stream_message, Entry, TrackFilter};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, RawQuery, Request, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use cuenca_model::TrackId;
use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

const PARAMS: &[&str] = &["bbox", "domain", "status", "rate"];

/// Opens a stream: WebSocket when the request asks to upgrade, SSE otherwise.
#[utoipa::path(get, path = "/api/v1/stream", tag = "tracks",
    description = "Live updates of the caller's picture. Server-Sent Events (event `tracks`) \
                   or, with a WebSocket upgrade, text messages; each message is a StreamMessage, \
                   the first one `full`. Browsers pass the token as `access_token`.",
    params(
        ("bbox" = Option<String>, Query, description = "west,south,east,north"),
        ("domain" = Option<String>, Query, description = "comma list of sea, air, unknown"),
        ("status" = Option<String>, Query, description = "comma list of tentative, confirmed, coasting"),
        ("rate" = Option<f64>, Query, description = "messages per second at most (default cop.stream_rate_hz, at most cop.stream_max_rate_hz)"),
    ),
    responses((status = 200, description = "text/event-stream", body = crate::api::StreamMessage),
              (status = 101, description = "WebSocket"), (status = 400, body = crate::api::ErrorBody)),
    security(("bearer" = [])))]
pub async fn stream(
    State(app): State<App>,
    axum::Extension(p): axum::Extension<Principal>,
    RawQuery(q): RawQuery,
    req: Request,
) -> Result<Response, ApiError> {
    let params = pairs(q.as_deref(), PARAMS)?;
    let filter = parse_filter(&params)?;
    let rate = match params.get("rate") {
        None => app.cop.stream_rate_hz,
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|r| r.is_finite() && *r > 0.0 && *r <= app.cop.stream_max_rate_hz)
            .ok_or_else(|| super::ParamError {
                parameter: "rate".into(),
                reason: format!(
                    "{v:?} is not a rate in (0, {}] messages per second",
                    app.cop.stream_max_rate_hz
                ),
            })?,
    };
    let audience = app
        .shared
        .cop
        .audiences
        .iter()
        .position(|a| a.audience.nations.contains(&p.nation))
        .ok_or(ApiError::Forbidden("your nation is not a member"))?;
    let (tx, rx) = mpsc::channel::<String>(app.cop.stream_queue);
    let wants_ws = req
        .headers()
        .get(axum::http::header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let (mut parts, _) = req.into_parts();
    let ws = if wants_ws {
        Some(
            WebSocketUpgrade::from_request_parts(&mut parts, &())
                .await
                .map_err(|e| {
                    ApiError::BadParam(super::ParamError {
                        parameter: "Upgrade".into(),
                        reason: e.to_string(),
                    })
                })?,
        )
    } else {
        None
    };
    app.shared
        .metrics
        .streams_opened
        .fetch_add(1, Ordering::Relaxed);
    tracing::debug!(nation = %p.nation, who = %p.label, ws = wants_ws, "stream opened");
    tokio::spawn(feed(app, audience, filter, rate, tx));
    Ok(match ws {
        Some(ws) => ws
            .on_upgrade(move |socket| send_ws(socket, rx))
            .into_response(),
        None => {
            let events = futures_util::stream::unfold(rx, |mut rx| async move {
                let msg = rx.recv().await?;
                Some((
                    Ok::<_, std::convert::Infallible>(Event::default().event("tracks").data(msg)),
                    rx,
                ))
            });
            Sse::new(events)
                .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
                .into_response()
        }
    })
}

async fn send_ws(mut socket: WebSocket, mut rx: mpsc::Receiver<String>) {
    loop {
        tokio::select! {
            msg = rx.recv() => {
                let Some(msg) = msg else { break };
                if socket.send(Message::Text(msg.into())).await.is_err() {
                    break;
                }
            }
            incoming = socket.recv() => match incoming {
                // Clients have nothing to say; pings are answered by axum.
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
        }
    }
    let _ = socket.send(Message::Close(None)).await;
}

/// The per-client task: filter, coalesce, flush at `rate`, drop when the client lags.
async fn feed(app: App, audience: usize, filter: TrackFilter, rate: f64, tx: mpsc::Sender<String>) {
    let Some(a) = app.shared.cop.audiences.get(audience) else {
        return;
    };
    // Subscribe before reading the view so no update falls between the two.
    let mut updates = a.subscribe();
    let view = a.view();
    let mut shown: HashSet<TrackId> = HashSet::new();
    let first: Vec<&Entry> = view
        .select(filter.bbox.as_ref())
        .into_iter()
        .map(|i| &*view.entries[i as usize])
        .filter(|e| filter.matches(&e.track))
        .collect();
    shown.extend(first.iter().map(|e| e.track.id));
    let msg = stream_message(view.time, true, first.into_iter(), std::iter::empty());
    drop(view);
    if !offer(&app, &tx, msg) {
        return;
    }
    let mut pending: BTreeMap<TrackId, Option<Arc<Entry>>> = BTreeMap::new();
    let mut time = cuenca_model::Timestamp(0);
    let mut flush = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
    flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            d = updates.recv() => match d {
                Ok(d) => {
                    time = d.time;
                    // Changes inside the box, found through the delta's R-tree.
                    for i in d.select(filter.bbox.as_ref()) {
                        let e = &d.updated[i as usize];
                        if filter.matches(&e.track) {
                            pending.insert(e.track.id, Some(Arc::clone(e)));
                        }
                    }
                    // Tracks this client holds that changed and no longer match (moved
                    // out of its box, say): look them up from whichever side is smaller.
                    let held = shown.len() + pending.len();
                    let left: Vec<TrackId> = if held < d.updated.len() {
                        shown
                            .iter()
                            .chain(pending.keys())
                            .filter(|id| d.get(**id).is_some_and(|e| !filter.matches(&e.track)))
                            .copied()
                            .collect()
                    } else {
                        d.updated
                            .iter()
                            .map(|e| e.track.id)
                            .filter(|id| shown.contains(id) || pending.contains_key(id))
                            .filter(|id| d.get(*id).is_some_and(|e| !filter.matches(&e.track)))
                            .collect()
                    };
                    for id in left {
                        pending.insert(id, None);
                    }
                    for &id in &d.deleted {
                        if shown.contains(&id) || pending.contains_key(&id) {
                            pending.insert(id, None);
                        }
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    app.shared.metrics.streams_dropped_slow.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                Err(broadcast::error::RecvError::Closed) => return,
            },
            _ = flush.tick() => {
                if pending.is_empty() {
                    continue;
                }
                let updated: Vec<&Entry> = pending.values().flatten().map(|e| &**e).collect();
                let deleted: Vec<TrackId> = pending
                    .iter()
                    .filter(|(id, e)| e.is_none() && shown.contains(id))
                    .map(|(id, _)| *id)
                    .collect();
                let msg = stream_message(time, false, updated.iter().copied(), deleted.iter().copied());
                for (id, e) in &pending {
                    if e.is_some() { shown.insert(*id); } else { shown.remove(id); }
                }
                pending.clear();
                if !offer(&app, &tx, msg) {
                    return;
                }
            }
            _ = tx.closed() => return,
        }
    }
}

/// Queues a message; false when the client is gone or too slow (and so dropped).
fn offer(app: &App, tx: &mpsc::Sender<String>, msg: String) -> bool {
    match tx.try_send(msg) {
        Ok(()) => true,
        Err(mpsc::error::TrySendError::Full(_)) => {
            app.shared
                .metrics
                .streams_dropped_slow
                .fetch_add(1, Ordering::Relaxed);
            tracing::info!("stream client too slow: dropped");
            false
        }
        Err(mpsc::error::TrySendError::Closed(_)) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cuenca_model::*;

    fn track(id: u64, lon: f64, t: i64) -> Track {
        crate::cop::tests::track(id, 20.0, lon, t)
    }

    fn setup() -> (App, usize) {
        let cfg = cuenca_config::Config::embedded().unwrap();
        let shared = Arc::new(crate::pipeline::Shared::new(&cfg));
        let mex = NationId::new("MEX").unwrap();
        let i = shared
            .cop
            .audiences
            .iter()
            .position(|a| a.audience.nations.contains(&mex))
            .unwrap();
        (App::new(&cfg, shared, None), i)
    }

    #[tokio::test]
    async fn a_client_gets_the_full_view_then_coalesced_changes_and_leaves() {
        let (app, i) = setup();
        let a = &app.shared.cop.audiences[i];
        a.update(Timestamp(1), vec![track(1, -86.0, 1), track(2, -80.0, 1)]);
        let filter = TrackFilter {
            bbox: Some(crate::cop::BBox {
                west: -87.0,
                south: 19.0,
                east: -85.0,
                north: 21.0,
            }),
            ..TrackFilter::default()
        };
        let (tx, mut rx) = mpsc::channel(8);
        // 2 Hz: both updates below land well inside one flush period.
        let task = tokio::spawn(feed(app.clone(), i, filter, 2.0, tx));
        let first: serde_json::Value = serde_json::from_str(&rx.recv().await.unwrap()).unwrap();
        assert_eq!(first["full"], true);
        assert_eq!(
            first["updated"].as_array().unwrap().len(),
            1,
            "only the bbox"
        );
        // Two updates of track 1 before a flush arrive as one change; track 2 stays
        // outside; then track 1 leaves the box and is reported deleted for this client.
        tokio::time::sleep(Duration::from_millis(20)).await;
        a.update(Timestamp(2), vec![track(1, -86.01, 2), track(2, -80.1, 2)]);
        a.update(Timestamp(3), vec![track(1, -86.02, 3), track(2, -80.2, 3)]);
        let m: serde_json::Value = serde_json::from_str(&rx.recv().await.unwrap()).unwrap();
        assert_eq!(m["full"], false);
        let up = m["updated"].as_array().unwrap();
        assert_eq!(up.len(), 1, "{m}");
        assert_eq!(up[0]["geometry"]["coordinates"][0], -86.02);
        a.update(Timestamp(4), vec![track(1, -84.0, 4), track(2, -80.3, 4)]);
        let m: serde_json::Value = serde_json::from_str(&rx.recv().await.unwrap()).unwrap();
        assert_eq!(m["deleted"], serde_json::json!([1]), "{m}");
        drop(rx);
        a.update(Timestamp(5), vec![track(1, -86.0, 5)]);
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .unwrap()
            .unwrap();
    }

    #[tokio::test]
    async fn a_client_that_does_not_read_is_dropped_and_counted() {
        let (app, i) = setup();
        let a = &app.shared.cop.audiences[i];
        let (tx, _rx) = mpsc::channel(2);
        let task = tokio::spawn(feed(app.clone(), i, TrackFilter::default(), 10.0, tx));
        for k in 1..=20 {
            a.update(Timestamp(k), vec![track(1, -86.0 + k as f64 * 0.01, k)]);
            tokio::time::sleep(Duration::from_millis(110)).await;
            if task.is_finished() {
                break;
            }
        }
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            app.shared
                .metrics
                .streams_dropped_slow
                .load(Ordering::Relaxed),
            1
        );
    }
}
