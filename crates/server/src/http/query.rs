//! Query parameters: parsed strictly, and every refusal names the parameter.

use crate::cop::{BBox, TrackFilter};
use cuenca_model::{Domain, Timestamp, TrackStatus};
use std::collections::HashMap;

/// A bad query parameter (400).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("parameter `{parameter}`: {reason}")]
pub struct ParamError {
    pub parameter: String,
    pub reason: String,
}

fn bad(parameter: &str, reason: impl Into<String>) -> ParamError {
    ParamError {
        parameter: parameter.to_string(),
        reason: reason.into(),
    }
}

/// The query's pairs; unknown or repeated parameters are refused, so a typo never
/// silently widens a result. `access_token` is always allowed.
pub fn pairs(query: Option<&str>, allowed: &[&str]) -> Result<HashMap<String, String>, ParamError> {
    let mut out = HashMap::new();
    for (k, v) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        if k == "access_token" {
            continue;
        }
        if !allowed.contains(&k.as_ref()) {
            return Err(bad(
                &k,
                format!("unknown parameter; expected one of {}", allowed.join(", ")),
            ));
        }
        if out.insert(k.to_string(), v.into_owned()).is_some() {
            return Err(bad(&k, "given more than once"));
        }
    }
    Ok(out)
}

/// An integer parameter within `min..=max`, `default` when absent.
pub fn get_usize(
    p: &HashMap<String, String>,
    name: &str,
    default: usize,
    min: usize,
    max: usize,
) -> Result<usize, ParamError> {
    match p.get(name) {
        None => Ok(default),
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| bad(name, format!("{v:?} is not an integer in {min}..={max}"))),
    }
}

/// An RFC 3339 time parameter.
pub fn get_time(p: &HashMap<String, String>, name: &str) -> Result<Option<Timestamp>, ParamError> {
    p.get(name)
        .map(|v| {
            v.parse::<Timestamp>()
                .map_err(|_| bad(name, format!("{v:?} is not an RFC 3339 time")))
        })
        .transpose()
}

/// `bbox=west,south,east,north` in degrees.
pub fn parse_bbox(v: &str) -> Result<BBox, ParamError> {
    let n: Vec<f64> = v
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| {
            bad(
                "bbox",
                format!("{v:?} is not four numbers west,south,east,north"),
            )
        })?;
    let [west, south, east, north] = n[..] else {
        return Err(bad(
            "bbox",
            format!("{v:?} is not four numbers west,south,east,north"),
        ));
    };
    if !n.iter().all(|x| x.is_finite()) {
        return Err(bad("bbox", "values must be finite"));
    }
    if !(-180.0..=180.0).contains(&west) || !(-180.0..=180.0).contains(&east) {
        return Err(bad("bbox", "longitudes must be within -180..180"));
    }
    if !(-90.0..=90.0).contains(&south) || !(-90.0..=90.0).contains(&north) || south > north {
        return Err(bad(
            "bbox",
            "latitudes must be within -90..90 with south <= north",
        ));
    }
    Ok(BBox {
        west,
        south,
        east,
        north,
    })
}

fn list<T>(
    p: &HashMap<String, String>,
    name: &str,
    one: impl Fn(&str) -> Option<T>,
    expected: &str,
) -> Result<Vec<T>, ParamError> {
    match p.get(name) {
        None => Ok(Vec::new()),
        Some(v) => v
            .split(',')
            .map(|x| {
                one(x.trim()).ok_or_else(|| bad(name, format!("{x:?} is not one of {expected}")))
            })
            .collect(),
    }
}

/// Filters shared by `/tracks` and `/stream`.
pub fn parse_filter(p: &HashMap<String, String>) -> Result<TrackFilter, ParamError> {
    let mut f = TrackFilter {
        bbox: p.get("bbox").map(|v| parse_bbox(v)).transpose()?,
        domains: list(
            p,
            "domain",
            |x| match x {
                "sea" => Some(Domain::Sea),
                "air" => Some(Domain::Air),
                "unknown" => Some(Domain::Unknown),
                _ => None,
            },
            "sea, air, unknown",
        )?,
        statuses: list(
            p,
            "status",
            |x| match x {
                "tentative" => Some(TrackStatus::Tentative),
                "confirmed" => Some(TrackStatus::Confirmed),
                "coasting" => Some(TrackStatus::Coasting),
                _ => None,
            },
            "tentative, confirmed, coasting",
        )?,
        ..TrackFilter::default()
    };
    if let Some(v) = p.get("mmsi") {
        f.mmsi = Some(
            v.parse::<u32>()
                .ok()
                .filter(|m| *m <= 999_999_999)
                .ok_or_else(|| bad("mmsi", format!("{v:?} is not an MMSI (up to 9 digits)")))?,
        );
    }
    if let Some(v) = p.get("icao") {
        f.icao = Some(
            u32::from_str_radix(v, 16)
                .ok()
                .filter(|a| v.len() == 6 && *a <= 0xff_ffff)
                .ok_or_else(|| bad("icao", format!("{v:?} is not six hex digits")))?,
        );
    }
    if let Some(v) = p.get("callsign") {
        let c = v.trim().to_ascii_uppercase();
        if c.is_empty() || c.len() > 8 {
            return Err(bad("callsign", "must be 1 to 8 characters"));
        }
        f.callsign = Some(c);
    }
    f.updated_since = get_time(p, "updated_since")?;
    Ok(f)
}

/// A parsed `/tracks` query.
#[derive(Debug, Clone)]
pub struct TrackQuery {
    pub filter: TrackFilter,
    pub limit: usize,
    pub offset: usize,
    /// The query without `offset` and `access_token`, to build links.
    pub base: Vec<(String, String)>,
}

/// The parameters `/tracks` takes.
pub const TRACK_PARAMS: &[&str] = &[
    "bbox",
    "domain",
    "status",
    "mmsi",
    "icao",
    "callsign",
    "updated_since",
    "limit",
    "offset",
];

/// Parses a `/tracks` query; `max_page` bounds `limit`.
///
/// ```
/// use cuenca_server::http::parse_track_query;
/// let q = parse_track_query(Some("bbox=-90,15,-80,25&domain=sea&limit=10"), 10_000)?;
/// assert_eq!(q.limit, 10);
/// let e = parse_track_query(Some("bbox=-90,15,-80"), 10_000).unwrap_err();
/// assert_eq!(e.parameter, "bbox");
/// # Ok::<(), cuenca_server::http::ParamError>(())
/// ```
pub fn parse_track_query(query: Option<&str>, max_page: usize) -> Result<TrackQuery, ParamError> {
    let p = pairs(query, TRACK_PARAMS)?;
    let filter = parse_filter(&p)?;
    let limit = get_usize(&p, "limit", max_page.min(1000), 1, max_page)?;
    let offset = get_usize(&p, "offset", 0, 0, usize::MAX)?;
    let mut base: Vec<(String, String)> = p.into_iter().filter(|(k, _)| k != "offset").collect();
    base.sort();
    Ok(TrackQuery {
        filter,
        limit,
        offset,
        base,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param_of(q: &str) -> String {
        parse_track_query(Some(q), 1000).unwrap_err().parameter
    }

    #[test]
    fn every_bad_parameter_is_named() {
        for (q, p) in [
            ("bbox=1,2,3", "bbox"),
            ("bbox=a,b,c,d", "bbox"),
            ("bbox=-90,30,-80,20", "bbox"),
            ("bbox=-190,10,-80,20", "bbox"),
            ("bbox=NaN,10,-80,20", "bbox"),
            ("domain=space", "domain"),
            ("status=alive", "status"),
            ("mmsi=12345678901", "mmsi"),
            ("icao=zzzzzz", "icao"),
            ("icao=abc", "icao"),
            ("callsign=", "callsign"),
            ("updated_since=yesterday", "updated_since"),
            ("limit=0", "limit"),
            ("limit=1001", "limit"),
            ("offset=-1", "offset"),
            ("colour=red", "colour"),
            ("limit=1&limit=2", "limit"),
        ] {
            assert_eq!(param_of(q), p, "{q}");
        }
    }

    #[test]
    fn good_queries_parse() {
        let q = parse_track_query(
            Some("bbox=170,-10,-170,10&domain=sea,air&status=confirmed&icao=A1B2c3&callsign=ual12&updated_since=2026-11-28T10:00:00Z&limit=5&offset=10&access_token=x"),
            1000,
        )
        .unwrap();
        assert_eq!(q.filter.domains, vec![Domain::Sea, Domain::Air]);
        assert_eq!(q.filter.icao, Some(0xa1b2c3));
        assert_eq!(q.filter.callsign.as_deref(), Some("UAL12"));
        assert!(q.filter.bbox.unwrap().contains(179.0, 0.0));
        assert!(q.filter.bbox.unwrap().contains(-179.0, 0.0));
        assert!(!q.filter.bbox.unwrap().contains(0.0, 0.0));
        assert_eq!((q.limit, q.offset), (5, 10));
        assert!(q
            .base
            .iter()
            .all(|(k, _)| k != "offset" && k != "access_token"));
    }
}
