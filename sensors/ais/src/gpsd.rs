//! gpsd-compatible AIS JSON (`class: "AIS"`), scaled and unscaled.
//!
//! Field names, units and the rendering of special values follow gpsd's output as
//! recorded in its regression files (`test/sample.aivdm.js.chk` for scaled,
//! `.ju.chk` and the daemon logs for unscaled): numbers are rounded exactly as
//! gpsd prints them (`%.7f` degrees, `%.1f` knots, …), "not available" positions
//! stay 91/181, a missing rate of turn is `"n/a"`, the base-station time is a
//! zero-padded ISO string even when out of range.
//!
//! Known, deliberate differences from gpsd:
//! * Binary messages 6 and 8 are always rendered as `data: "<bits>:<hex>"`; gpsd
//!   additionally decodes some DAC/FID applications (met/hydro, inland, …).
//! * Type 26 `radio` is the last 20 bits of the message (ITU-R M.1371-5 Annex 8, message 26:
//!   communication state). gpsd never reads it and always prints 0.
//! * Type 24 parts are separate messages here; gpsd prints a part only when it can
//!   merge B with a cached A of the same MMSI. [`type24_both`] renders that merge.
//! * The scaled rate of turn keeps its sign (M.1371: negative = turning to port).

use crate::message::*;
use serde_json::{Map, Number, Value};

/// How to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GpsdOptions<'a> {
    /// Degrees, knots and tenths (true) or the raw integers (false).
    pub scaled: bool,
    /// The `device` field; omitted when `None`, as gpsd does for an empty path.
    pub device: Option<&'a str>,
}

impl Default for GpsdOptions<'_> {
    fn default() -> Self {
        GpsdOptions {
            scaled: true,
            device: None,
        }
    }
}

/// gpsd's scaled JSON for one message.
///
/// ```
/// use cuenca_ais::{to_gpsd_json, Decoder};
/// let mut dec = Decoder::new();
/// let d = dec.feed_line("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A")?.unwrap();
/// let j = to_gpsd_json(&d.message);
/// assert_eq!(j["class"], "AIS");
/// assert_eq!(j["mmsi"], 371798000);
/// assert_eq!(j["turn"], "fastleft");
/// assert_eq!(j["speed"], 12.3);
/// assert_eq!(j["lat"], 48.3816333);
/// # Ok::<(), cuenca_ais::AisError>(())
/// ```
pub fn to_gpsd_json(msg: &Message) -> Value {
    to_gpsd_json_opts(msg, &GpsdOptions::default())
}

/// gpsd's unscaled JSON (raw integers: positions in 1/10000 minute, …).
pub fn to_gpsd_json_unscaled(msg: &Message) -> Value {
    to_gpsd_json_opts(
        msg,
        &GpsdOptions {
            scaled: false,
            device: None,
        },
    )
}

/// gpsd's JSON with explicit options.
pub fn to_gpsd_json_opts(msg: &Message, o: &GpsdOptions<'_>) -> Value {
    let mut j = J::new(msg.msg_type(), msg.repeat(), msg.mmsi(), o);
    let sc = o.scaled;
    match msg {
        Message::Position(m) => {
            j.u("status", m.status);
            j.s("status_text", nav_status_text(m.status));
            if sc {
                j.v("turn", Value::String(turn_text(m.turn)));
                if m.speed == 1023 {
                    j.s("speed", "n/a");
                } else {
                    j.f("speed", f64::from(m.speed) / 10.0, 1);
                }
            } else {
                j.i("turn", m.turn);
                j.u("speed", m.speed);
            }
            j.b("accuracy", m.accuracy);
            j.pos_10000(m.lon, m.lat);
            j.course_tenths(m.course);
            j.u("heading", m.heading);
            j.u("second", m.second);
            j.u("maneuver", m.maneuver);
            j.b("raim", m.raim);
            j.u("radio", m.radio);
        }
        Message::BaseStation(m) => {
            j.v(
                "timestamp",
                Value::String(format!(
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                    m.year, m.month, m.day, m.hour, m.minute, m.second
                )),
            );
            j.b("accuracy", m.accuracy);
            j.pos_10000(m.lon, m.lat);
            j.u("epfd", m.epfd);
            j.v("epfd_text", Value::String(epfd_text(m.epfd)));
            j.b("raim", m.raim);
            j.u("radio", m.radio);
        }
        Message::StaticVoyage(m) => {
            j.u("imo", m.imo);
            j.u("ais_version", m.ais_version);
            j.s("callsign", m.callsign.as_str());
            j.s("shipname", m.shipname.as_str());
            j.u("shiptype", m.shiptype);
            j.s("shiptype_text", ship_type_text(m.shiptype));
            j.u("to_bow", m.to_bow);
            j.u("to_stern", m.to_stern);
            j.u("to_port", m.to_port);
            j.u("to_starboard", m.to_starboard);
            j.u("epfd", m.epfd);
            j.v("epfd_text", Value::String(epfd_text(m.epfd)));
            j.v(
                "eta",
                Value::String(format!(
                    "{:02}-{:02}T{:02}:{:02}Z",
                    m.month, m.day, m.hour, m.minute
                )),
            );
            if sc {
                j.f("draught", f64::from(m.draught) / 10.0, 1);
            } else {
                j.u("draught", m.draught);
            }
            j.s("destination", m.destination.as_str());
            j.u("dte", m.dte);
        }
        Message::BinaryAddressed(m) => {
            j.u("seqno", m.seqno);
            j.u("dest_mmsi", m.dest_mmsi);
            j.b("retransmit", m.retransmit);
            j.u("dac", m.dac);
            j.u("fid", m.fid);
            j.data(&m.data);
        }
        Message::Acknowledge(m) => {
            for (k, mmsi) in m.mmsi_acked.iter().enumerate() {
                j.u(["mmsi1", "mmsi2", "mmsi3", "mmsi4"][k], *mmsi);
            }
        }
        Message::BinaryBroadcast(m) => {
            j.u("dac", m.dac);
            j.u("fid", m.fid);
            j.data(&m.data);
        }
        Message::SarAircraft(m) => {
            if sc {
                match m.alt {
                    4095 => j.s("alt", "n/a"),
                    4094 => j.s("alt", "high"),
                    a => j.u("alt", a),
                }
                match m.speed {
                    1023 => j.s("speed", "n/a"),
                    1022 => j.s("speed", "fast"),
                    s => j.u("speed", s),
                }
            } else {
                j.u("alt", m.alt);
                j.u("speed", m.speed);
            }
            j.b("accuracy", m.accuracy);
            j.pos_10000(m.lon, m.lat);
            j.course_tenths(m.course);
            j.u("second", m.second);
            j.u("regional", m.regional);
            j.u("dte", m.dte);
            j.b("raim", m.raim);
            j.u("radio", m.radio);
        }
        Message::UtcInquiry(m) => j.u("dest_mmsi", m.dest_mmsi),
        Message::SafetyAddressed(m) => {
            j.u("seqno", m.seqno);
            j.u("dest_mmsi", m.dest_mmsi);
            j.b("retransmit", m.retransmit);
            j.s("text", m.text.as_str());
        }
        Message::SafetyBroadcast(m) => j.s("text", m.text.as_str()),
        Message::Interrogation(m) => {
            j.u("mmsi1", m.mmsi1);
            j.u("type1_1", m.type1_1);
            j.u("offset1_1", m.offset1_1);
            j.u("type1_2", m.type1_2);
            j.u("offset1_2", m.offset1_2);
            j.u("mmsi2", m.mmsi2);
            j.u("type2_1", m.type2_1);
            j.u("offset2_1", m.offset2_1);
        }
        Message::AssignedMode(m) => {
            j.u("mmsi1", m.mmsi1);
            j.u("offset1", m.offset1);
            j.u("increment1", m.increment1);
            j.u("mmsi2", m.mmsi2);
            j.u("offset2", m.offset2);
            j.u("increment2", m.increment2);
        }
        Message::DgnssBroadcast(m) => {
            if sc {
                j.f("lon", f64::from(m.lon) / 600.0, 1);
                j.f("lat", f64::from(m.lat) / 600.0, 1);
            } else {
                j.i("lon", m.lon);
                j.i("lat", m.lat);
            }
            j.data(&m.data);
        }
        Message::ClassBPosition(m) => {
            j.u("reserved", m.reserved);
            j.speed_tenths(m.speed);
            j.b("accuracy", m.accuracy);
            j.pos_10000(m.lon, m.lat);
            j.course_tenths(m.course);
            j.u("heading", m.heading);
            j.u("second", m.second);
            j.u("regional", m.regional);
            j.b("cs", m.cs);
            j.b("display", m.display);
            j.b("dsc", m.dsc);
            j.b("band", m.band);
            j.b("msg22", m.msg22);
            j.b("raim", m.raim);
            j.u("radio", m.radio);
        }
        Message::ClassBExtended(m) => {
            j.u("reserved", m.reserved);
            j.speed_tenths(m.speed);
            j.b("accuracy", m.accuracy);
            j.pos_10000(m.lon, m.lat);
            j.course_tenths(m.course);
            j.u("heading", m.heading);
            j.u("second", m.second);
            j.u("regional", m.regional);
            j.s("shipname", m.shipname.as_str());
            j.u("shiptype", m.shiptype);
            j.s("shiptype_text", ship_type_text(m.shiptype));
            j.u("to_bow", m.to_bow);
            j.u("to_stern", m.to_stern);
            j.u("to_port", m.to_port);
            j.u("to_starboard", m.to_starboard);
            j.u("epfd", m.epfd);
            j.v("epfd_text", Value::String(epfd_text(m.epfd)));
            j.b("raim", m.raim);
            j.u("dte", m.dte);
            j.b("assigned", m.assigned);
        }
        Message::DataLinkManagement(m) => {
            for (k, r) in m.reservations.iter().enumerate() {
                let n = k + 1;
                j.u(&format!("offset{n}"), r.offset);
                j.u(&format!("number{n}"), r.number);
                j.u(&format!("timeout{n}"), r.timeout);
                j.u(&format!("increment{n}"), r.increment);
            }
        }
        Message::AidToNavigation(m) => {
            j.u("aid_type", m.aid_type);
            j.s("aid_type_text", aid_type_text(m.aid_type));
            j.s("name", m.name.as_str());
            j.pos_10000(m.lon, m.lat);
            j.b("accuracy", m.accuracy);
            j.u("to_bow", m.to_bow);
            j.u("to_stern", m.to_stern);
            j.u("to_port", m.to_port);
            j.u("to_starboard", m.to_starboard);
            j.u("epfd", m.epfd);
            j.v("epfd_text", Value::String(epfd_text(m.epfd)));
            j.u("second", m.second);
            j.u("regional", m.regional);
            j.b("off_position", m.off_position);
            j.b("raim", m.raim);
            j.b("virtual_aid", m.virtual_aid);
        }
        Message::ChannelManagement(m) => {
            j.u("channel_a", m.channel_a);
            j.u("channel_b", m.channel_b);
            j.u("txrx", m.txrx);
            j.b("power", m.power);
            match m.target {
                ChannelTarget::Addressed { dest1, dest2 } => {
                    j.u("dest1", dest1);
                    j.u("dest2", dest2);
                }
                ChannelTarget::Area {
                    ne_lon,
                    ne_lat,
                    sw_lon,
                    sw_lat,
                } => j.corners(ne_lon, ne_lat, sw_lon, sw_lat),
            }
            j.b(
                "addressed",
                matches!(m.target, ChannelTarget::Addressed { .. }),
            );
            j.b("band_a", m.band_a);
            j.b("band_b", m.band_b);
            j.u("zonesize", m.zonesize);
        }
        Message::GroupAssignment(m) => {
            j.corners(m.ne_lon, m.ne_lat, m.sw_lon, m.sw_lat);
            j.u("stationtype", m.stationtype);
            j.s("stationtype_text", station_type_text(m.stationtype));
            j.u("shiptype", m.shiptype);
            j.s("shiptype_text", ship_type_text(m.shiptype));
            j.u("interval", m.interval);
            j.u("quiet", m.quiet);
        }
        Message::StaticDataA(m) => {
            j.s("part", "A");
            j.s("shipname", m.shipname.as_str());
        }
        Message::StaticDataB(m) => {
            j.s("part", "B");
            j.part_b(m);
        }
        Message::SingleSlotBinary(m) => {
            j.b("addressed", m.addressed);
            j.b("structured", m.structured);
            j.u("dest_mmsi", m.dest_mmsi);
            j.u("app_id", m.app_id);
            j.data(&m.data);
        }
        Message::MultiSlotBinary(m) => {
            j.b("addressed", m.addressed);
            j.b("structured", m.structured);
            j.u("dest_mmsi", m.dest_mmsi);
            j.u("app_id", m.app_id);
            j.data(&m.data);
            j.u("radio", m.radio);
        }
        Message::LongRange(m) => {
            j.u("status", m.status);
            if sc {
                j.s("status_text", nav_status_text(m.status));
            }
            j.b("accuracy", m.accuracy);
            if sc {
                j.f("lon", f64::from(m.lon) / 600.0, 4);
                j.f("lat", f64::from(m.lat) / 600.0, 4);
            } else {
                j.i("lon", m.lon);
                j.i("lat", m.lat);
            }
            j.u("speed", m.speed);
            j.u("course", m.course);
            j.b("raim", m.raim);
            j.b("gnss", m.gnss);
        }
    }
    Value::Object(j.map)
}

/// gpsd's rendering of a type 24 part B merged with the part A of the same MMSI
/// (what gpsd prints once it has seen both parts).
///
/// ```
/// use cuenca_ais::{gpsd, Decoder, Message};
/// let mut dec = Decoder::new();
/// let a = dec.feed_line("!AIVDM,1,1,,A,H42O55i18tMET00000000000000,2*6D")?.unwrap();
/// let b = dec.feed_line("!AIVDM,1,1,,A,H42O55lti4hhhilD3nink000?050,0*40")?.unwrap();
/// let (Message::StaticDataA(a), Message::StaticDataB(b)) = (a.message, b.message) else { panic!() };
/// let j = gpsd::type24_both(&a, &b, &gpsd::GpsdOptions::default());
/// assert_eq!(j["shipname"], "PROGUY");
/// assert_eq!(j["callsign"], "TC6163");
/// assert!(j.get("part").is_none());
/// # Ok::<(), cuenca_ais::AisError>(())
/// ```
pub fn type24_both(a: &StaticDataA, b: &StaticDataB, o: &GpsdOptions<'_>) -> Value {
    let mut j = J::new(24, b.repeat, b.mmsi, o);
    j.s("shipname", a.shipname.as_str());
    j.part_b(b);
    Value::Object(j.map)
}

struct J {
    map: Map<String, Value>,
    scaled: bool,
}

impl J {
    fn new(msg_type: u8, repeat: u8, mmsi: u32, o: &GpsdOptions<'_>) -> J {
        let mut j = J {
            map: Map::new(),
            scaled: o.scaled,
        };
        j.s("class", "AIS");
        if let Some(d) = o.device.filter(|d| !d.is_empty()) {
            j.s("device", d);
        }
        j.u("type", msg_type);
        j.u("repeat", repeat);
        j.u("mmsi", mmsi);
        j.b("scaled", o.scaled);
        j
    }
    fn v(&mut self, k: &str, v: Value) {
        self.map.insert(k.to_string(), v);
    }
    fn s(&mut self, k: &str, v: &str) {
        self.v(k, Value::String(v.to_string()));
    }
    fn u(&mut self, k: &str, v: impl Into<u64>) {
        self.v(k, Value::Number(v.into().into()));
    }
    fn i(&mut self, k: &str, v: impl Into<i64>) {
        self.v(k, Value::Number(v.into().into()));
    }
    fn b(&mut self, k: &str, v: bool) {
        self.v(k, Value::Bool(v));
    }
    /// A float exactly as C's `%.Nf` prints it.
    fn f(&mut self, k: &str, v: f64, decimals: usize) {
        self.v(k, fixed(v, decimals));
    }
    fn pos_10000(&mut self, lon: i32, lat: i32) {
        if self.scaled {
            self.f("lon", f64::from(lon) / 600_000.0, 7);
            self.f("lat", f64::from(lat) / 600_000.0, 7);
        } else {
            self.i("lon", lon);
            self.i("lat", lat);
        }
    }
    fn speed_tenths(&mut self, v: u16) {
        if self.scaled {
            self.f("speed", f64::from(v) / 10.0, 1);
        } else {
            self.u("speed", v);
        }
    }
    fn course_tenths(&mut self, v: u16) {
        if self.scaled {
            self.f("course", f64::from(v) / 10.0, 1);
        } else {
            self.u("course", v);
        }
    }
    /// Type 22/23 corners: 1/10 minute; gpsd prints scaled ones as `"%f"` strings.
    fn corners(&mut self, ne_lon: i32, ne_lat: i32, sw_lon: i32, sw_lat: i32) {
        for (k, v) in [
            ("ne_lon", ne_lon),
            ("ne_lat", ne_lat),
            ("sw_lon", sw_lon),
            ("sw_lat", sw_lat),
        ] {
            if self.scaled {
                self.v(k, Value::String(format!("{:.6}", f64::from(v) / 600.0)));
            } else {
                self.i(k, v);
            }
        }
    }
    fn data(&mut self, d: &crate::BinaryData) {
        self.v("data", Value::String(format!("{}:{}", d.bits(), d.hex())));
    }
    fn part_b(&mut self, m: &StaticDataB) {
        self.u("shiptype", m.shiptype);
        self.s("shiptype_text", ship_type_text(m.shiptype));
        self.s("vendorid", m.vendorid.as_str());
        self.u("model", m.model);
        self.u("serial", m.serial);
        self.s("callsign", m.callsign.as_str());
        match m.mothership_mmsi {
            Some(mother) => self.u("mothership_mmsi", mother),
            None => {
                self.u("to_bow", m.to_bow);
                self.u("to_stern", m.to_stern);
                self.u("to_port", m.to_port);
                self.u("to_starboard", m.to_starboard);
            }
        }
    }
}

fn fixed(v: f64, decimals: usize) -> Value {
    let text = format!("{v:.decimals$}");
    text.parse::<f64>()
        .ok()
        .and_then(Number::from_f64)
        .map_or(Value::Null, Value::Number)
}

/// Scaled rate of turn: `"n/a"`, `"fastleft"`, `"fastright"` or degrees per minute
/// as `"%.2f"` text (signed; see the module notes).
fn turn_text(turn: i8) -> String {
    match turn {
        -128 => "n/a".to_string(),
        -127 => "fastleft".to_string(),
        127 => "fastright".to_string(),
        t => {
            let r = f64::from(t) / 4.733;
            let v = r * r * f64::from(t.signum());
            format!("{v:.2}")
        }
    }
}

/// Navigational status legend (M.1371-5 messages 1-3 and 27, in gpsd's wording).
pub fn nav_status_text(status: u8) -> &'static str {
    match status {
        0 => "Under way using engine",
        1 => "At anchor",
        2 => "Not under command",
        3 => "Restricted maneuverability",
        4 => "Constrained by her draught",
        5 => "Moored",
        6 => "Aground",
        7 => "Engaged in fishing",
        8 => "Under way sailing",
        9 => "Reserved for HSC",
        10 => "Reserved for WIG",
        11 => "Power-driven vessel towing astern",
        12 => "Power-driven vessel pushing ahead or towing alongside",
        13 => "Reserved",
        14 => "AIS-SART is active",
        _ => "Not defined",
    }
}

/// Position fixing device legend.
pub fn epfd_text(epfd: u8) -> String {
    match epfd {
        0 => "Undefined".into(),
        1 => "GPS".into(),
        2 => "GLONASS".into(),
        3 => "Combined GPS/GLONASS".into(),
        4 => "Loran-C".into(),
        5 => "Chayka".into(),
        6 => "Integrated navigation system".into(),
        7 => "Surveyed".into(),
        8 => "Galileo".into(),
        15 => "Internal GNSS".into(),
        n => format!("Reserved ({n})"),
    }
}

/// Ship and cargo type legend (M.1371-5 message 5, in gpsd's wording).
pub fn ship_type_text(t: u8) -> &'static str {
    const WIG: [&str; 10] = [
        "Wing in ground (WIG) - all ships of this type",
        "Wing in ground (WIG) - Hazardous category A",
        "Wing in ground (WIG) - Hazardous category B",
        "Wing in ground (WIG) - Hazardous category C",
        "Wing in ground (WIG) - Hazardous category D",
        "Wing in ground (WIG) - Reserved for future use",
        "Wing in ground (WIG) - Reserved for future use",
        "Wing in ground (WIG) - Reserved for future use",
        "Wing in ground (WIG) - Reserved for future use",
        "Wing in ground (WIG) - Reserved for future use",
    ];
    const HSC: [&str; 10] = [
        "High speed craft (HSC) - all ships of this type",
        "High speed craft (HSC) - Hazardous category A",
        "High speed craft (HSC) - Hazardous category B",
        "High speed craft (HSC) - Hazardous category C",
        "High speed craft (HSC) - Hazardous category D",
        "High speed craft (HSC) - Reserved for future use",
        "High speed craft (HSC) - Reserved for future use",
        "High speed craft (HSC) - Reserved for future use",
        "High speed craft (HSC) - Reserved for future use",
        "High speed craft (HSC) - No additional information",
    ];
    const PASSENGER: [&str; 10] = [
        "Passenger - all ships of this type",
        "Passenger - Hazardous category A",
        "Passenger - Hazardous category B",
        "Passenger - Hazardous category C",
        "Passenger - Hazardous category D",
        "Passenger - Reserved for future use",
        "Passenger - Reserved for future use",
        "Passenger - Reserved for future use",
        "Passenger - Reserved for future use",
        "Passenger - No additional information",
    ];
    const CARGO: [&str; 10] = [
        "Cargo - all ships of this type",
        "Cargo - Hazardous category A",
        "Cargo - Hazardous category B",
        "Cargo - Hazardous category C",
        "Cargo - Hazardous category D",
        "Cargo - Reserved for future use",
        "Cargo - Reserved for future use",
        "Cargo - Reserved for future use",
        "Cargo - Reserved for future use",
        "Cargo - No additional information",
    ];
    const TANKER: [&str; 10] = [
        "Tanker - all ships of this type",
        "Tanker - Hazardous category A",
        "Tanker - Hazardous category B",
        "Tanker - Hazardous category C",
        "Tanker - Hazardous category D",
        "Tanker - Reserved for future use",
        "Tanker - Reserved for future use",
        "Tanker - Reserved for future use",
        "Tanker - Reserved for future use",
        "Tanker - No additional information",
    ];
    const OTHER: [&str; 10] = [
        "Other Type - all ships of this type",
        "Other Type - Hazardous category A",
        "Other Type - Hazardous category B",
        "Other Type - Hazardous category C",
        "Other Type - Hazardous category D",
        "Other Type - Reserved for future use",
        "Other Type - Reserved for future use",
        "Other Type - Reserved for future use",
        "Other Type - Reserved for future use",
        "Other Type - no additional information",
    ];
    let d = usize::from(t % 10);
    match t {
        0 => "Not available",
        1..=19 => "Reserved for future use",
        20..=29 => WIG[d],
        30 => "Fishing",
        31 => "Towing",
        32 => "Towing: length exceeds 200m or breadth exceeds 25m",
        33 => "Dredging or underwater ops",
        34 => "Diving ops",
        35 => "Military ops",
        36 => "Sailing",
        37 => "Pleasure Craft",
        38 | 39 => "Reserved",
        40..=49 => HSC[d],
        50 => "Pilot Vessel",
        51 => "Search and Rescue vessel",
        52 => "Tug",
        53 => "Port Tender",
        54 => "Anti-pollution equipment",
        55 => "Law Enforcement",
        56 | 57 => "Spare - Local Vessel",
        58 => "Medical Transport",
        59 => "Ship according to RR Resolution No. 18",
        60..=69 => PASSENGER[d],
        70..=79 => CARGO[d],
        80..=89 => TANKER[d],
        90..=99 => OTHER[d],
        _ => "Illegal ship type value.",
    }
}

/// Aid-to-navigation type legend (M.1371-5 message 21, in gpsd's wording).
pub fn aid_type_text(t: u8) -> &'static str {
    const T: [&str; 32] = [
        "Unspecified",
        "Reference point",
        "RACON",
        "Fixed offshore structure",
        "Spare, Reserved for future use.",
        "Light, without sectors",
        "Light, with sectors",
        "Leading Light Front",
        "Leading Light Rear",
        "Beacon, Cardinal N",
        "Beacon, Cardinal E",
        "Beacon, Cardinal S",
        "Beacon, Cardinal W",
        "Beacon, Port hand",
        "Beacon, Starboard hand",
        "Beacon, Preferred Channel port hand",
        "Beacon, Preferred Channel starboard hand",
        "Beacon, Isolated danger",
        "Beacon, Safe water",
        "Beacon, Special mark",
        "Cardinal Mark N",
        "Cardinal Mark E",
        "Cardinal Mark S",
        "Cardinal Mark W",
        "Port hand Mark",
        "Starboard hand Mark",
        "Preferred Channel Port hand",
        "Preferred Channel Starboard hand",
        "Isolated danger",
        "Safe Water",
        "Special Mark",
        "Light Vessel / LANBY / Rigs",
    ];
    T.get(usize::from(t)).copied().unwrap_or("Unspecified")
}

/// Station type legend for type 23 (M.1371-5 §3.3.8.2.19).
pub fn station_type_text(t: u8) -> &'static str {
    match t {
        0 => "All types of mobiles",
        2 => "All types of Class B mobile stations",
        3 => "SAR airborne mobile station",
        4 => "Aid to Navigation station",
        5 => "Class B shipborne mobile station",
        6..=9 => "Regional use and inland waterways",
        _ => "Reserved for future use",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_rounds_like_printf() {
        assert_eq!(
            fixed(-123.39538333333333, 7),
            serde_json::json!(-123.3953833)
        );
        assert_eq!(fixed(224.0, 1).to_string(), "224.0");
        assert_eq!(fixed(91.0, 7), serde_json::json!(91.0));
    }

    #[test]
    fn legends() {
        assert_eq!(ship_type_text(70), "Cargo - all ships of this type");
        assert_eq!(ship_type_text(99), "Other Type - no additional information");
        assert_eq!(ship_type_text(200), "Illegal ship type value.");
        assert_eq!(epfd_text(14), "Reserved (14)");
        assert_eq!(turn_text(0), "0.00");
        assert_eq!(turn_text(-128), "n/a");
    }
}
