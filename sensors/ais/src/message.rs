//! The 27 AIS message types (ITU-R M.1371-5, Annex 8), decoded from a [`Payload`].
//!
//! Fields keep their on-air integer values and units (positions in 1/10000 minute,
//! speed in 1/10 knot, …) so that nothing is lost; accessor methods give SI-ish
//! values with "not available" mapped to `None`. Field names follow gpsd's JSON.

use crate::bits::{BinaryData, Payload, SixBitText};
use crate::AisError;

/// Ship or station name: 20 six-bit characters.
pub type Name = SixBitText<20>;
/// Call sign: 7 six-bit characters.
pub type Callsign = SixBitText<7>;
/// Free text of safety messages (types 12 and 14): up to 164 characters.
pub type LongText = SixBitText<164>;
/// Aid-to-navigation name with its extension: 20 + 14 characters.
pub type AtonName = SixBitText<34>;

/// Latitude/longitude at 1/10000 minute (types 1-4, 9, 11, 18, 19, 21) → degrees,
/// `None` for the "not available" values 91° and 181°.
fn deg_10000min(lat: i32, lon: i32) -> Option<(f64, f64)> {
    if lat == 91 * 600_000 || lon == 181 * 600_000 {
        return None;
    }
    Some((f64::from(lat) / 600_000.0, f64::from(lon) / 600_000.0))
}

/// Speed in 1/10 knot, 1023 = not available.
fn knots_tenths(v: u16) -> Option<f64> {
    (v != 1023).then(|| f64::from(v) / 10.0)
}

/// Course in 1/10 degree, 3600 = not available.
fn course_tenths(v: u16) -> Option<f64> {
    (v < 3600).then(|| f64::from(v) / 10.0)
}

/// Position report, types 1, 2 and 3 (Class A).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PositionReport {
    /// 1 (scheduled), 2 (assigned) or 3 (interrogated).
    pub msg_type: u8,
    pub repeat: u8,
    pub mmsi: u32,
    /// Navigational status 0-15 (15 = not defined).
    pub status: u8,
    /// Rate of turn as sent: ±126 = 4.733·√(°/min), ±127 fast turn, -128 not available.
    pub turn: i8,
    /// Speed over ground, 1/10 knot (1023 = not available, 1022 = 102.2 kn or more).
    pub speed: u16,
    /// Position accuracy flag (true = better than 10 m, DGNSS).
    pub accuracy: bool,
    /// Longitude, 1/10000 minute (181° = not available).
    pub lon: i32,
    /// Latitude, 1/10000 minute (91° = not available).
    pub lat: i32,
    /// Course over ground, 1/10 degree (3600 = not available).
    pub course: u16,
    /// True heading, degrees (511 = not available).
    pub heading: u16,
    /// UTC second of the report (60-63 = special values).
    pub second: u8,
    /// Special manoeuvre indicator.
    pub maneuver: u8,
    pub raim: bool,
    /// Communication state (19 bits).
    pub radio: u32,
}

/// Base station report (type 4) or UTC/date response (type 11).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BaseStationReport {
    /// 4 or 11.
    pub msg_type: u8,
    pub repeat: u8,
    pub mmsi: u32,
    /// UTC year (0 = not available), month, day, hour (24 = n/a), minute (60 = n/a), second (60 = n/a).
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub accuracy: bool,
    pub lon: i32,
    pub lat: i32,
    /// Type of electronic position fixing device.
    pub epfd: u8,
    pub raim: bool,
    pub radio: u32,
}

/// Static and voyage related data (type 5).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaticVoyage {
    pub repeat: u8,
    pub mmsi: u32,
    pub ais_version: u8,
    pub imo: u32,
    pub callsign: Callsign,
    pub shipname: Name,
    /// Ship and cargo type 0-99 (0 = not available).
    pub shiptype: u8,
    pub to_bow: u16,
    pub to_stern: u16,
    pub to_port: u8,
    pub to_starboard: u8,
    pub epfd: u8,
    /// ETA month, day, hour, minute (0, 0, 24, 60 = not available).
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    /// Draught, 1/10 metre.
    pub draught: u8,
    pub destination: Name,
    /// Data terminal equipment ready flag (0 = available).
    pub dte: u8,
}

/// Addressed binary message (type 6); the application data is kept as bits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinaryAddressed {
    pub repeat: u8,
    pub mmsi: u32,
    pub seqno: u8,
    pub dest_mmsi: u32,
    pub retransmit: bool,
    /// Designated area code and function identifier of the application.
    pub dac: u16,
    pub fid: u8,
    /// Application data after the DAC/FID (from bit 88).
    pub data: BinaryData,
}

/// Binary acknowledge (type 7) or safety-related acknowledge (type 13).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Acknowledge {
    /// 7 or 13.
    pub msg_type: u8,
    pub repeat: u8,
    pub mmsi: u32,
    /// Acknowledged MMSIs (0 where the message carries fewer than four).
    pub mmsi_acked: [u32; 4],
    /// Sequence numbers of the acknowledged messages.
    pub seqno: [u8; 4],
    /// How many acknowledgements the message carries (1-4).
    pub count: u8,
}

/// Binary broadcast message (type 8); the application data is kept as bits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinaryBroadcast {
    pub repeat: u8,
    pub mmsi: u32,
    pub dac: u16,
    pub fid: u8,
    /// Application data after the DAC/FID (from bit 56).
    pub data: BinaryData,
}

/// Standard SAR aircraft position report (type 9).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SarAircraft {
    pub repeat: u8,
    pub mmsi: u32,
    /// Altitude (GNSS), metres (4095 = not available, 4094 = 4094 m or higher).
    pub alt: u16,
    /// Speed over ground, whole knots (1023 = not available, 1022 = 1022 kn or more).
    pub speed: u16,
    pub accuracy: bool,
    pub lon: i32,
    pub lat: i32,
    /// Course over ground, 1/10 degree.
    pub course: u16,
    pub second: u8,
    pub regional: u8,
    pub dte: u8,
    pub assigned: bool,
    pub raim: bool,
    pub radio: u32,
}

/// UTC/date inquiry (type 10).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UtcInquiry {
    pub repeat: u8,
    pub mmsi: u32,
    pub dest_mmsi: u32,
}

/// Addressed safety-related message (type 12).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SafetyAddressed {
    pub repeat: u8,
    pub mmsi: u32,
    pub seqno: u8,
    pub dest_mmsi: u32,
    pub retransmit: bool,
    pub text: LongText,
}

/// Safety-related broadcast message (type 14).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SafetyBroadcast {
    pub repeat: u8,
    pub mmsi: u32,
    pub text: LongText,
}

/// Interrogation (type 15). Absent requests are zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interrogation {
    pub repeat: u8,
    pub mmsi: u32,
    pub mmsi1: u32,
    pub type1_1: u8,
    pub offset1_1: u16,
    pub type1_2: u8,
    pub offset1_2: u16,
    pub mmsi2: u32,
    pub type2_1: u8,
    pub offset2_1: u16,
}

/// Assignment mode command (type 16). The second assignment is zero when absent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AssignedMode {
    pub repeat: u8,
    pub mmsi: u32,
    pub mmsi1: u32,
    pub offset1: u16,
    pub increment1: u16,
    pub mmsi2: u32,
    pub offset2: u16,
    pub increment2: u16,
}

/// DGNSS broadcast binary message (type 17).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DgnssBroadcast {
    pub repeat: u8,
    pub mmsi: u32,
    /// Reference station longitude and latitude, 1/10 minute.
    pub lon: i32,
    pub lat: i32,
    /// Correction data (from bit 80).
    pub data: BinaryData,
}

/// Standard Class B position report (type 18).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassBPosition {
    pub repeat: u8,
    pub mmsi: u32,
    /// Regional reserved bits 38-45.
    pub reserved: u8,
    pub speed: u16,
    pub accuracy: bool,
    pub lon: i32,
    pub lat: i32,
    pub course: u16,
    pub heading: u16,
    pub second: u8,
    pub regional: u8,
    /// Class B unit flag (true = carrier-sense unit).
    pub cs: bool,
    pub display: bool,
    pub dsc: bool,
    pub band: bool,
    pub msg22: bool,
    pub assigned: bool,
    pub raim: bool,
    pub radio: u32,
}

/// Extended Class B position report (type 19).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClassBExtended {
    pub repeat: u8,
    pub mmsi: u32,
    pub reserved: u8,
    pub speed: u16,
    pub accuracy: bool,
    pub lon: i32,
    pub lat: i32,
    pub course: u16,
    pub heading: u16,
    pub second: u8,
    pub regional: u8,
    pub shipname: Name,
    pub shiptype: u8,
    pub to_bow: u16,
    pub to_stern: u16,
    pub to_port: u8,
    pub to_starboard: u8,
    pub epfd: u8,
    pub raim: bool,
    pub dte: u8,
    pub assigned: bool,
}

/// One slot reservation of a data link management message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SlotReservation {
    pub offset: u16,
    pub number: u8,
    pub timeout: u8,
    pub increment: u16,
}

/// Data link management message (type 20). Absent reservations are zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DataLinkManagement {
    pub repeat: u8,
    pub mmsi: u32,
    pub reservations: [SlotReservation; 4],
}

/// Aid-to-navigation report (type 21).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AidToNavigation {
    pub repeat: u8,
    pub mmsi: u32,
    pub aid_type: u8,
    /// Name including the name extension (bits 272 on).
    pub name: AtonName,
    pub accuracy: bool,
    pub lon: i32,
    pub lat: i32,
    pub to_bow: u16,
    pub to_stern: u16,
    pub to_port: u8,
    pub to_starboard: u8,
    pub epfd: u8,
    pub second: u8,
    pub off_position: bool,
    pub regional: u8,
    pub raim: bool,
    pub virtual_aid: bool,
    pub assigned: bool,
}

/// The area or the two stations a channel management message addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelTarget {
    /// Rectangle corners at 1/10 minute.
    Area {
        ne_lon: i32,
        ne_lat: i32,
        sw_lon: i32,
        sw_lat: i32,
    },
    /// Addressed to two stations.
    Addressed { dest1: u32, dest2: u32 },
}

/// Channel management (type 22).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChannelManagement {
    pub repeat: u8,
    pub mmsi: u32,
    pub channel_a: u16,
    pub channel_b: u16,
    pub txrx: u8,
    pub power: bool,
    pub target: ChannelTarget,
    pub band_a: bool,
    pub band_b: bool,
    pub zonesize: u8,
}

/// Group assignment command (type 23).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupAssignment {
    pub repeat: u8,
    pub mmsi: u32,
    /// Rectangle corners at 1/10 minute.
    pub ne_lon: i32,
    pub ne_lat: i32,
    pub sw_lon: i32,
    pub sw_lat: i32,
    pub stationtype: u8,
    pub shiptype: u8,
    /// Tx/Rx mode, 2 bits (bits 144-145).
    pub txrx: u8,
    pub interval: u8,
    pub quiet: u8,
}

/// Static data report part A (type 24, part number 0): the name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaticDataA {
    pub repeat: u8,
    pub mmsi: u32,
    pub shipname: Name,
}

/// Static data report part B (type 24, part number 1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StaticDataB {
    pub repeat: u8,
    pub mmsi: u32,
    pub shiptype: u8,
    /// The 42-bit vendor field read as seven characters (M.1371-3). Since M.1371-4
    /// only the first three are the manufacturer; the rest is `model` and `serial`.
    pub vendorid: Callsign,
    pub model: u8,
    pub serial: u32,
    pub callsign: Callsign,
    pub to_bow: u16,
    pub to_stern: u16,
    pub to_port: u8,
    pub to_starboard: u8,
    /// For an auxiliary craft (MMSI 98xxxxxxx) the dimension bits carry the mother ship's MMSI.
    pub mothership_mmsi: Option<u32>,
}

/// Single-slot binary message (type 25).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SingleSlotBinary {
    pub repeat: u8,
    pub mmsi: u32,
    pub addressed: bool,
    pub structured: bool,
    /// Destination (0 when broadcast).
    pub dest_mmsi: u32,
    /// Application identifier (0 when unstructured).
    pub app_id: u16,
    pub data: BinaryData,
}

/// Multiple-slot binary message with communication state (type 26).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MultiSlotBinary {
    pub repeat: u8,
    pub mmsi: u32,
    pub addressed: bool,
    pub structured: bool,
    pub dest_mmsi: u32,
    pub app_id: u16,
    pub data: BinaryData,
    /// Communication state selector and state: the last 20 bits.
    pub radio: u32,
}

/// Long-range AIS broadcast (type 27).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LongRange {
    pub repeat: u8,
    pub mmsi: u32,
    pub accuracy: bool,
    pub raim: bool,
    pub status: u8,
    /// Longitude and latitude at 1/10 minute (181° / 91° = not available).
    pub lon: i32,
    pub lat: i32,
    /// Speed over ground, whole knots (63 = not available).
    pub speed: u8,
    /// Course over ground, whole degrees (511 = not available).
    pub course: u16,
    /// Position latency: false = less than 5 s, true = more.
    pub gnss: bool,
}

/// One decoded AIS message.
///
/// ```
/// use cuenca_ais::{Message, Payload};
/// let p = Payload::from_armored(b"15RTgt0PAso;90TKcjM8h6g208CQ", 0)?;
/// let Message::Position(r) = Message::decode(&p)? else { panic!() };
/// assert_eq!(r.mmsi, 371_798_000);
/// let (lat, lon) = r.lat_lon().unwrap();
/// assert!((lat - 48.381633).abs() < 1e-6 && (lon + 123.395383).abs() < 1e-6);
/// assert_eq!(r.speed_knots(), Some(12.3));
/// # Ok::<(), cuenca_ais::AisError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Message {
    /// Types 1, 2, 3.
    Position(PositionReport),
    /// Types 4 and 11.
    BaseStation(BaseStationReport),
    /// Type 5.
    StaticVoyage(StaticVoyage),
    /// Type 6.
    BinaryAddressed(BinaryAddressed),
    /// Types 7 and 13.
    Acknowledge(Acknowledge),
    /// Type 8.
    BinaryBroadcast(BinaryBroadcast),
    /// Type 9.
    SarAircraft(SarAircraft),
    /// Type 10.
    UtcInquiry(UtcInquiry),
    /// Type 12.
    SafetyAddressed(SafetyAddressed),
    /// Type 14.
    SafetyBroadcast(SafetyBroadcast),
    /// Type 15.
    Interrogation(Interrogation),
    /// Type 16.
    AssignedMode(AssignedMode),
    /// Type 17.
    DgnssBroadcast(DgnssBroadcast),
    /// Type 18.
    ClassBPosition(ClassBPosition),
    /// Type 19.
    ClassBExtended(ClassBExtended),
    /// Type 20.
    DataLinkManagement(DataLinkManagement),
    /// Type 21.
    AidToNavigation(AidToNavigation),
    /// Type 22.
    ChannelManagement(ChannelManagement),
    /// Type 23.
    GroupAssignment(GroupAssignment),
    /// Type 24 part A.
    StaticDataA(StaticDataA),
    /// Type 24 part B.
    StaticDataB(StaticDataB),
    /// Type 25.
    SingleSlotBinary(SingleSlotBinary),
    /// Type 26.
    MultiSlotBinary(MultiSlotBinary),
    /// Type 27.
    LongRange(LongRange),
}

/// Minimum payload bits for each message type we accept (index = type). Mostly the
/// ITU lengths, relaxed where real transmitters are known to send short messages
/// and the missing bits hold nothing but radio state (types 1-3: 163, type 5: 420,
/// as gpsd accepts them).
const MIN_BITS: [usize; 28] = [
    0, 163, 163, 163, 168, 420, 88, 72, 56, 168, 72, 168, 72, 72, 40, 88, 96, 80, 168, 312, 72,
    272, 168, 160, 160, 40, 60, 96,
];

impl Message {
    /// Decodes a complete payload.
    pub fn decode(p: &Payload) -> Result<Message, AisError> {
        let mut m = Message::UtcInquiry(UtcInquiry {
            repeat: 0,
            mmsi: 0,
            dest_mmsi: 0,
        });
        Message::decode_into(p, &mut m)?;
        Ok(m)
    }

    /// [`Message::decode`] into `out` (left as it was on error). The message is
    /// built where it is stored rather than copied out of a `Result`, which
    /// matters at millions of messages per second.
    pub fn decode_into(p: &Payload, out: &mut Message) -> Result<(), AisError> {
        let msg_type = p.u(0, 6) as u8;
        if msg_type == 0 || msg_type > 27 {
            return Err(AisError::UnknownMessageType);
        }
        let bits = p.len();
        if bits < MIN_BITS[usize::from(msg_type)] {
            return Err(AisError::TruncatedPayload);
        }
        let repeat = p.u(6, 2) as u8;
        let mmsi = p.u(8, 30);
        *out = match msg_type {
            1..=3 => Message::Position(PositionReport {
                msg_type,
                repeat,
                mmsi,
                status: p.u(38, 4) as u8,
                turn: p.i(42, 8) as i8,
                speed: p.u(50, 10) as u16,
                accuracy: p.flag(60),
                lon: p.i(61, 28),
                lat: p.i(89, 27),
                course: p.u(116, 12) as u16,
                heading: p.u(128, 9) as u16,
                second: p.u(137, 6) as u8,
                maneuver: p.u(143, 2) as u8,
                raim: p.flag(148),
                // A 163-167 bit message (seen in the wild) cuts the radio state
                // short. gpsd and pyais then report the bits that exist as a
                // narrower number; we do the same so that outputs agree, though
                // the state is unusable either way.
                radio: p.u_available(149, 19),
            }),
            4 | 11 => Message::BaseStation(BaseStationReport {
                msg_type,
                repeat,
                mmsi,
                year: p.u(38, 14) as u16,
                month: p.u(52, 4) as u8,
                day: p.u(56, 5) as u8,
                hour: p.u(61, 5) as u8,
                minute: p.u(66, 6) as u8,
                second: p.u(72, 6) as u8,
                accuracy: p.flag(78),
                lon: p.i(79, 28),
                lat: p.i(107, 27),
                epfd: p.u(134, 4) as u8,
                raim: p.flag(148),
                radio: p.u(149, 19),
            }),
            5 => Message::StaticVoyage(StaticVoyage {
                repeat,
                mmsi,
                ais_version: p.u(38, 2) as u8,
                imo: p.u(40, 30),
                callsign: p.text(70, 7),
                shipname: p.text(112, 20),
                shiptype: p.u(232, 8) as u8,
                to_bow: p.u(240, 9) as u16,
                to_stern: p.u(249, 9) as u16,
                to_port: p.u(258, 6) as u8,
                to_starboard: p.u(264, 6) as u8,
                epfd: p.u(270, 4) as u8,
                month: p.u(274, 4) as u8,
                day: p.u(278, 5) as u8,
                hour: p.u(283, 5) as u8,
                minute: p.u(288, 6) as u8,
                draught: p.u(294, 8) as u8,
                destination: p.text(302, 20),
                // Transmitters that send 420 or 422 bits lose the DTE flag; gpsd
                // reports 0 (available), the default, and so do we.
                dte: if bits >= 423 { p.u(422, 1) as u8 } else { 0 },
            }),
            6 => Message::BinaryAddressed(BinaryAddressed {
                repeat,
                mmsi,
                seqno: p.u(38, 2) as u8,
                dest_mmsi: p.u(40, 30),
                retransmit: p.flag(70),
                dac: p.u(72, 10) as u16,
                fid: p.u(82, 6) as u8,
                data: p.data_from(88),
            }),
            7 | 13 => {
                let mut a = Acknowledge {
                    msg_type,
                    repeat,
                    mmsi,
                    mmsi_acked: [0; 4],
                    seqno: [0; 4],
                    count: 0,
                };
                for k in 0..4 {
                    let at = 40 + 32 * k;
                    if at < bits {
                        a.mmsi_acked[k] = p.u(at, 30);
                        a.seqno[k] = p.u(at + 30, 2) as u8;
                        a.count += 1;
                    }
                }
                Message::Acknowledge(a)
            }
            8 => Message::BinaryBroadcast(BinaryBroadcast {
                repeat,
                mmsi,
                dac: p.u(40, 10) as u16,
                fid: p.u(50, 6) as u8,
                data: p.data_from(56),
            }),
            9 => Message::SarAircraft(SarAircraft {
                repeat,
                mmsi,
                alt: p.u(38, 12) as u16,
                speed: p.u(50, 10) as u16,
                accuracy: p.flag(60),
                lon: p.i(61, 28),
                lat: p.i(89, 27),
                course: p.u(116, 12) as u16,
                second: p.u(128, 6) as u8,
                regional: p.u(134, 8) as u8,
                dte: p.u(142, 1) as u8,
                assigned: p.flag(146),
                raim: p.flag(147),
                radio: p.u(148, 20),
            }),
            10 => Message::UtcInquiry(UtcInquiry {
                repeat,
                mmsi,
                dest_mmsi: p.u(40, 30),
            }),
            12 => Message::SafetyAddressed(SafetyAddressed {
                repeat,
                mmsi,
                seqno: p.u(38, 2) as u8,
                dest_mmsi: p.u(40, 30),
                retransmit: p.flag(70),
                text: p.text(72, (bits - 72) / 6),
            }),
            14 => Message::SafetyBroadcast(SafetyBroadcast {
                repeat,
                mmsi,
                text: p.text(40, (bits - 40) / 6),
            }),
            15 => {
                let mut q = Interrogation {
                    repeat,
                    mmsi,
                    mmsi1: p.u(40, 30),
                    type1_1: p.u(70, 6) as u8,
                    offset1_1: p.u(76, 12) as u16,
                    type1_2: 0,
                    offset1_2: 0,
                    mmsi2: 0,
                    type2_1: 0,
                    offset2_1: 0,
                };
                if bits > 90 {
                    q.type1_2 = p.u(90, 6) as u8;
                    q.offset1_2 = p.u(96, 12) as u16;
                    if bits > 110 {
                        q.mmsi2 = p.u(110, 30);
                        q.type2_1 = p.u(140, 6) as u8;
                        q.offset2_1 = p.u(146, 12) as u16;
                    }
                }
                Message::Interrogation(q)
            }
            16 => {
                let second = bits >= 144;
                Message::AssignedMode(AssignedMode {
                    repeat,
                    mmsi,
                    mmsi1: p.u(40, 30),
                    offset1: p.u(70, 12) as u16,
                    increment1: p.u(82, 10) as u16,
                    mmsi2: if second { p.u(92, 30) } else { 0 },
                    offset2: if second { p.u(122, 12) as u16 } else { 0 },
                    increment2: if second { p.u(134, 10) as u16 } else { 0 },
                })
            }
            17 => Message::DgnssBroadcast(DgnssBroadcast {
                repeat,
                mmsi,
                lon: p.i(40, 18),
                lat: p.i(58, 17),
                data: p.data_from(80),
            }),
            18 => Message::ClassBPosition(ClassBPosition {
                repeat,
                mmsi,
                reserved: p.u(38, 8) as u8,
                speed: p.u(46, 10) as u16,
                accuracy: p.flag(56),
                lon: p.i(57, 28),
                lat: p.i(85, 27),
                course: p.u(112, 12) as u16,
                heading: p.u(124, 9) as u16,
                second: p.u(133, 6) as u8,
                regional: p.u(139, 2) as u8,
                cs: p.flag(141),
                display: p.flag(142),
                dsc: p.flag(143),
                band: p.flag(144),
                msg22: p.flag(145),
                assigned: p.flag(146),
                raim: p.flag(147),
                radio: p.u(148, 20),
            }),
            19 => Message::ClassBExtended(ClassBExtended {
                repeat,
                mmsi,
                reserved: p.u(38, 8) as u8,
                speed: p.u(46, 10) as u16,
                accuracy: p.flag(56),
                lon: p.i(57, 28),
                lat: p.i(85, 27),
                course: p.u(112, 12) as u16,
                heading: p.u(124, 9) as u16,
                second: p.u(133, 6) as u8,
                regional: p.u(139, 4) as u8,
                shipname: p.text(143, 20),
                shiptype: p.u(263, 8) as u8,
                to_bow: p.u(271, 9) as u16,
                to_stern: p.u(280, 9) as u16,
                to_port: p.u(289, 6) as u8,
                to_starboard: p.u(295, 6) as u8,
                epfd: p.u(301, 4) as u8,
                raim: p.flag(305),
                dte: p.u(306, 1) as u8,
                assigned: p.flag(307),
            }),
            20 => {
                let mut r = [SlotReservation::default(); 4];
                for (k, slot) in r.iter_mut().enumerate() {
                    let at = 40 + 30 * k;
                    // A reservation is present only if all its 30 bits are.
                    if at + 30 <= bits {
                        *slot = SlotReservation {
                            offset: p.u(at, 12) as u16,
                            number: p.u(at + 12, 4) as u8,
                            timeout: p.u(at + 16, 3) as u8,
                            increment: p.u(at + 19, 11) as u16,
                        };
                    }
                }
                Message::DataLinkManagement(DataLinkManagement {
                    repeat,
                    mmsi,
                    reservations: r,
                })
            }
            21 => {
                let mut name: AtonName = p.text(43, 20);
                // The extension exists only after a full 20-character name.
                if name.len() == 20 && bits > 272 {
                    let ext: SixBitText<14> = p.text(272, (bits - 272) / 6);
                    name.extend(&ext);
                }
                Message::AidToNavigation(AidToNavigation {
                    repeat,
                    mmsi,
                    aid_type: p.u(38, 5) as u8,
                    name,
                    accuracy: p.flag(163),
                    lon: p.i(164, 28),
                    lat: p.i(192, 27),
                    to_bow: p.u(219, 9) as u16,
                    to_stern: p.u(228, 9) as u16,
                    to_port: p.u(237, 6) as u8,
                    to_starboard: p.u(243, 6) as u8,
                    epfd: p.u(249, 4) as u8,
                    second: p.u(253, 6) as u8,
                    off_position: p.flag(259),
                    regional: p.u(260, 8) as u8,
                    raim: p.flag(268),
                    virtual_aid: p.flag(269),
                    assigned: p.flag(270),
                })
            }
            22 => {
                let addressed = p.flag(139);
                Message::ChannelManagement(ChannelManagement {
                    repeat,
                    mmsi,
                    channel_a: p.u(40, 12) as u16,
                    channel_b: p.u(52, 12) as u16,
                    txrx: p.u(64, 4) as u8,
                    power: p.flag(68),
                    target: if addressed {
                        ChannelTarget::Addressed {
                            dest1: p.u(69, 30),
                            dest2: p.u(104, 30),
                        }
                    } else {
                        ChannelTarget::Area {
                            ne_lon: p.i(69, 18),
                            ne_lat: p.i(87, 17),
                            sw_lon: p.i(104, 18),
                            sw_lat: p.i(122, 17),
                        }
                    },
                    band_a: p.flag(140),
                    band_b: p.flag(141),
                    zonesize: p.u(142, 3) as u8,
                })
            }
            23 => Message::GroupAssignment(GroupAssignment {
                repeat,
                mmsi,
                ne_lon: p.i(40, 18),
                ne_lat: p.i(58, 17),
                sw_lon: p.i(75, 18),
                sw_lat: p.i(93, 17),
                stationtype: p.u(110, 4) as u8,
                shiptype: p.u(114, 8) as u8,
                txrx: p.u(144, 2) as u8,
                interval: p.u(146, 4) as u8,
                quiet: p.u(150, 4) as u8,
            }),
            24 => match p.u(38, 2) {
                0 => Message::StaticDataA(StaticDataA {
                    repeat,
                    mmsi,
                    shipname: p.text(40, 20),
                }),
                1 => {
                    if bits < 168 {
                        return Err(AisError::TruncatedPayload);
                    }
                    let auxiliary = mmsi / 10_000_000 == 98;
                    Message::StaticDataB(StaticDataB {
                        repeat,
                        mmsi,
                        shiptype: p.u(40, 8) as u8,
                        vendorid: p.text(48, 7),
                        model: p.u(66, 4) as u8,
                        serial: p.u(70, 20),
                        callsign: p.text(90, 7),
                        to_bow: if auxiliary { 0 } else { p.u(132, 9) as u16 },
                        to_stern: if auxiliary { 0 } else { p.u(141, 9) as u16 },
                        to_port: if auxiliary { 0 } else { p.u(150, 6) as u8 },
                        to_starboard: if auxiliary { 0 } else { p.u(156, 6) as u8 },
                        mothership_mmsi: auxiliary.then(|| p.u(132, 30)),
                    })
                }
                _ => return Err(AisError::BadPartNumber),
            },
            25 => {
                let addressed = p.flag(38);
                let structured = p.flag(39);
                let head = 40 + if addressed { 30 } else { 0 } + if structured { 16 } else { 0 };
                if bits < head {
                    return Err(AisError::TruncatedPayload);
                }
                Message::SingleSlotBinary(SingleSlotBinary {
                    repeat,
                    mmsi,
                    addressed,
                    structured,
                    dest_mmsi: if addressed { p.u(40, 30) } else { 0 },
                    app_id: if structured {
                        p.u(if addressed { 70 } else { 40 }, 16) as u16
                    } else {
                        0
                    },
                    data: p.data_from(head),
                })
            }
            26 => {
                let addressed = p.flag(38);
                let structured = p.flag(39);
                let head = 40 + if addressed { 30 } else { 0 } + if structured { 16 } else { 0 };
                if bits < head + 20 {
                    return Err(AisError::TruncatedPayload);
                }
                Message::MultiSlotBinary(MultiSlotBinary {
                    repeat,
                    mmsi,
                    addressed,
                    structured,
                    dest_mmsi: if addressed { p.u(40, 30) } else { 0 },
                    app_id: if structured {
                        p.u(if addressed { 70 } else { 40 }, 16) as u16
                    } else {
                        0
                    },
                    data: p.data_range(head, bits - head - 20),
                    radio: p.u(bits - 20, 20),
                })
            }
            27 => Message::LongRange(LongRange {
                repeat,
                mmsi,
                accuracy: p.flag(38),
                raim: p.flag(39),
                status: p.u(40, 4) as u8,
                lon: p.i(44, 18),
                lat: p.i(62, 17),
                speed: p.u(79, 6) as u8,
                course: p.u(85, 9) as u16,
                gnss: p.flag(94),
            }),
            _ => return Err(AisError::UnknownMessageType),
        };
        Ok(())
    }

    /// The message type, 1-27.
    pub fn msg_type(&self) -> u8 {
        match self {
            Message::Position(m) => m.msg_type,
            Message::BaseStation(m) => m.msg_type,
            Message::StaticVoyage(_) => 5,
            Message::BinaryAddressed(_) => 6,
            Message::Acknowledge(m) => m.msg_type,
            Message::BinaryBroadcast(_) => 8,
            Message::SarAircraft(_) => 9,
            Message::UtcInquiry(_) => 10,
            Message::SafetyAddressed(_) => 12,
            Message::SafetyBroadcast(_) => 14,
            Message::Interrogation(_) => 15,
            Message::AssignedMode(_) => 16,
            Message::DgnssBroadcast(_) => 17,
            Message::ClassBPosition(_) => 18,
            Message::ClassBExtended(_) => 19,
            Message::DataLinkManagement(_) => 20,
            Message::AidToNavigation(_) => 21,
            Message::ChannelManagement(_) => 22,
            Message::GroupAssignment(_) => 23,
            Message::StaticDataA(_) | Message::StaticDataB(_) => 24,
            Message::SingleSlotBinary(_) => 25,
            Message::MultiSlotBinary(_) => 26,
            Message::LongRange(_) => 27,
        }
    }

    /// The sender's MMSI.
    pub fn mmsi(&self) -> u32 {
        self.header().1
    }

    /// The repeat indicator, 0-3.
    pub fn repeat(&self) -> u8 {
        self.header().0
    }

    fn header(&self) -> (u8, u32) {
        match self {
            Message::Position(m) => (m.repeat, m.mmsi),
            Message::BaseStation(m) => (m.repeat, m.mmsi),
            Message::StaticVoyage(m) => (m.repeat, m.mmsi),
            Message::BinaryAddressed(m) => (m.repeat, m.mmsi),
            Message::Acknowledge(m) => (m.repeat, m.mmsi),
            Message::BinaryBroadcast(m) => (m.repeat, m.mmsi),
            Message::SarAircraft(m) => (m.repeat, m.mmsi),
            Message::UtcInquiry(m) => (m.repeat, m.mmsi),
            Message::SafetyAddressed(m) => (m.repeat, m.mmsi),
            Message::SafetyBroadcast(m) => (m.repeat, m.mmsi),
            Message::Interrogation(m) => (m.repeat, m.mmsi),
            Message::AssignedMode(m) => (m.repeat, m.mmsi),
            Message::DgnssBroadcast(m) => (m.repeat, m.mmsi),
            Message::ClassBPosition(m) => (m.repeat, m.mmsi),
            Message::ClassBExtended(m) => (m.repeat, m.mmsi),
            Message::DataLinkManagement(m) => (m.repeat, m.mmsi),
            Message::AidToNavigation(m) => (m.repeat, m.mmsi),
            Message::ChannelManagement(m) => (m.repeat, m.mmsi),
            Message::GroupAssignment(m) => (m.repeat, m.mmsi),
            Message::StaticDataA(m) => (m.repeat, m.mmsi),
            Message::StaticDataB(m) => (m.repeat, m.mmsi),
            Message::SingleSlotBinary(m) => (m.repeat, m.mmsi),
            Message::MultiSlotBinary(m) => (m.repeat, m.mmsi),
            Message::LongRange(m) => (m.repeat, m.mmsi),
        }
    }
}

macro_rules! kinematics {
    ($t:ty) => {
        impl $t {
            /// Latitude and longitude in degrees, `None` when not available.
            pub fn lat_lon(&self) -> Option<(f64, f64)> {
                deg_10000min(self.lat, self.lon)
            }
            /// Speed over ground in knots, `None` when not available.
            pub fn speed_knots(&self) -> Option<f64> {
                knots_tenths(self.speed)
            }
            /// Course over ground in degrees, `None` when not available.
            pub fn course_deg(&self) -> Option<f64> {
                course_tenths(self.course)
            }
            /// True heading in degrees, `None` when not available (511).
            pub fn heading_deg(&self) -> Option<u16> {
                (self.heading < 360).then_some(self.heading)
            }
        }
    };
}
kinematics!(PositionReport);
kinematics!(ClassBPosition);
kinematics!(ClassBExtended);

impl PositionReport {
    /// Rate of turn in degrees per minute (negative = to port), from the
    /// ROT_AIS = 4.733·√ROT encoding; `None` when not available or when only the
    /// direction of a fast turn is known (±127).
    pub fn turn_deg_per_min(&self) -> Option<f64> {
        match self.turn {
            -128 | -127 | 127 => None,
            t => {
                let r = f64::from(t) / 4.733;
                Some(r * r * f64::from(t.signum()))
            }
        }
    }
}

impl BaseStationReport {
    /// Latitude and longitude in degrees, `None` when not available.
    pub fn lat_lon(&self) -> Option<(f64, f64)> {
        deg_10000min(self.lat, self.lon)
    }
}

impl SarAircraft {
    /// Latitude and longitude in degrees, `None` when not available.
    pub fn lat_lon(&self) -> Option<(f64, f64)> {
        deg_10000min(self.lat, self.lon)
    }
    /// Speed over ground in knots (SAR aircraft report whole knots), `None` when not available.
    pub fn speed_knots(&self) -> Option<f64> {
        (self.speed != 1023).then(|| f64::from(self.speed))
    }
    /// Course over ground in degrees, `None` when not available.
    pub fn course_deg(&self) -> Option<f64> {
        course_tenths(self.course)
    }
    /// GNSS altitude in metres, `None` when not available.
    pub fn altitude_m(&self) -> Option<f64> {
        (self.alt != 4095).then(|| f64::from(self.alt))
    }
}

impl AidToNavigation {
    /// Latitude and longitude in degrees, `None` when not available.
    pub fn lat_lon(&self) -> Option<(f64, f64)> {
        deg_10000min(self.lat, self.lon)
    }
}

impl LongRange {
    /// Latitude and longitude in degrees (1/10 minute resolution), `None` when not available.
    pub fn lat_lon(&self) -> Option<(f64, f64)> {
        if self.lat == 91 * 600 || self.lon == 181 * 600 {
            return None;
        }
        Some((f64::from(self.lat) / 600.0, f64::from(self.lon) / 600.0))
    }
    /// Speed over ground in knots, `None` when not available (63).
    pub fn speed_knots(&self) -> Option<f64> {
        (self.speed != 63).then(|| f64::from(self.speed))
    }
    /// Course over ground in degrees, `None` when not available (511).
    pub fn course_deg(&self) -> Option<f64> {
        (self.course < 360).then(|| f64::from(self.course))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(s: &str, fill: u8) -> Message {
        Message::decode(&Payload::from_armored(s.as_bytes(), fill).unwrap()).unwrap()
    }

    #[test]
    fn type_1_fields() {
        let Message::Position(r) = decode("15RTgt0PAso;90TKcjM8h6g208CQ", 0) else {
            panic!()
        };
        assert_eq!((r.msg_type, r.repeat, r.mmsi), (1, 0, 371_798_000));
        assert_eq!(
            (r.turn, r.speed, r.course, r.heading),
            (-127, 123, 2240, 215)
        );
        assert_eq!((r.second, r.radio), (33, 34017));
        assert!(r.accuracy && !r.raim);
        assert_eq!(r.turn_deg_per_min(), None);
    }

    #[test]
    fn type_5_text() {
        let mut p = Payload::new();
        p.push_armored(
            b"55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8",
            0,
        )
        .unwrap();
        p.push_armored(b"88888888880", 2).unwrap();
        let Message::StaticVoyage(s) = Message::decode(&p).unwrap() else {
            panic!()
        };
        assert_eq!(s.mmsi, 351_759_000);
        assert_eq!(s.callsign.as_str(), "3FOF8");
        assert_eq!(s.shipname.as_str(), "EVER DIADEM");
        assert_eq!(s.destination.as_str(), "NEW YORK");
        assert_eq!((s.to_bow, s.to_stern, s.draught), (225, 70, 122));
    }

    #[test]
    fn unknown_type_and_short_payloads_are_errors() {
        let p = Payload::from_armored(b"0000", 0).unwrap();
        assert_eq!(
            Message::decode(&p).unwrap_err(),
            AisError::UnknownMessageType
        );
        let p = Payload::from_armored(b"15RTgt0PAso;90TKcjM8h6g", 0).unwrap();
        assert_eq!(Message::decode(&p).unwrap_err(), AisError::TruncatedPayload);
        let p = Payload::from_armored(b"", 0).unwrap();
        assert_eq!(
            Message::decode(&p).unwrap_err(),
            AisError::UnknownMessageType
        );
    }

    #[test]
    fn rate_of_turn_keeps_its_sign() {
        let mut r = match decode("15RTgt0PAso;90TKcjM8h6g208CQ", 0) {
            Message::Position(r) => r,
            _ => panic!(),
        };
        r.turn = -20;
        let t = r.turn_deg_per_min().unwrap();
        assert!(t < 0.0 && (t + 17.856).abs() < 0.01);
    }
}
