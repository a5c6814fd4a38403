//! JSON lines for `cuenca adsb decode`.

use crate::Decoded;
use serde_json::{json, Map, Value};

/// One decoded frame as a JSON object. Always present: `icao24` (6 lower-case hex
/// digits), `df`, `timestamp` (seconds); the others only when the frame (or the
/// CPR state, for positions) gave them: `tc`, `callsign`, `category`, `lat`,
/// `lon`, `position_source`, `cpr` (`"even"`/`"odd"`), `altitude` (ft),
/// `altitude_gnss`, `on_surface`, `groundspeed` (kt), `track` (deg), `heading`
/// (deg), `airspeed` (kt), `vertical_rate` (ft/min), `squawk` (four octal digits as
/// a string), `nuc_p`, `nac_p`.
///
/// ```
/// let d = cuenca_adsb::Decoded { icao24: 0x406b90, df: 5, squawk: Some(7500), ..Default::default() };
/// let j = cuenca_adsb::to_json(&d);
/// assert_eq!(j["icao24"], "406b90");
/// assert_eq!(j["squawk"], "7500");
/// assert!(j.get("lat").is_none());
/// ```
pub fn to_json(d: &Decoded) -> Value {
    let mut m = Map::new();
    m.insert("icao24".into(), json!(format!("{:06x}", d.icao24)));
    m.insert("df".into(), json!(d.df));
    m.insert("timestamp".into(), json!(d.timestamp));
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            m.insert(k.into(), v);
        }
    };
    put("tc", d.tc.map(|v| json!(v)));
    put("callsign", d.callsign.as_ref().map(|v| json!(v)));
    put("category", d.category.as_ref().map(|v| json!(v)));
    put("lat", d.lat.map(|v| json!(v)));
    put("lon", d.lon.map(|v| json!(v)));
    put(
        "position_source",
        d.position_source.map(|v| json!(v.as_str())),
    );
    put(
        "cpr",
        d.cpr_odd.map(|o| json!(if o { "odd" } else { "even" })),
    );
    put("altitude", d.altitude_ft.map(|v| json!(v)));
    put("altitude_gnss", d.altitude_gnss.then_some(json!(true)));
    put("on_surface", d.on_surface.then_some(json!(true)));
    put("groundspeed", d.ground_speed_kt.map(|v| json!(v)));
    put("track", d.track_deg.map(|v| json!(v)));
    put("heading", d.heading_deg.map(|v| json!(v)));
    put("airspeed", d.airspeed_kt.map(|v| json!(v)));
    put("vertical_rate", d.vertical_rate_fpm.map(|v| json!(v)));
    put("squawk", d.squawk.map(|v| json!(format!("{v:04}"))));
    put("nuc_p", d.nuc_p.map(|v| json!(v)));
    put("nac_p", d.nac_p.map(|v| json!(v)));
    Value::Object(m)
}
