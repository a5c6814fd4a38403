//! The zenoh bus: how measurement batches and the picture move between processes.
//!
//! Sensor adapters publish [`MeasurementBatch`]es under their nation's key space
//! ([`cuenca_model::keys`]); the fusion service subscribes to all of them. This crate
//! owns the zenoh session and the checks that make the key space mean something: a
//! batch is accepted only if the key, the batch header and every measurement in it
//! name the same nation and sensor, so one nation cannot inject data as another.

use cuenca_config::{ZenohConfig, ZenohMode};
use cuenca_model::wire::WireError;
use cuenca_model::{keys, wire, MeasurementBatch, MeasurementKind, NationId, SensorId};
use zenoh::Wait;

/// Failures of the bus itself.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    #[error("zenoh configuration: {0}")]
    Config(String),
    #[error("zenoh: {0}")]
    Zenoh(String),
}

/// Why an incoming sample was refused. Each variant is a counted reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    #[error("key {0:?} is not a sensor key (cuenca/<nation>/sensors/<kind>/<id>)")]
    BadKey(String),
    #[error(transparent)]
    Wire(#[from] WireError),
    #[error("batch claims nation {claimed} or sensor {sensor} but was published under {key}")]
    Impersonation {
        key: String,
        claimed: NationId,
        sensor: SensorId,
    },
    #[error("measurement {index} of the batch names {nation}/{sensor}, not the batch's sensor")]
    ForeignMeasurement {
        index: usize,
        nation: NationId,
        sensor: SensorId,
    },
}

impl IngestError {
    /// A short stable name for metrics and counters.
    pub fn reason(&self) -> &'static str {
        match self {
            IngestError::BadKey(_) => "bad_key",
            IngestError::Wire(w) => w.reason(),
            IngestError::Impersonation { .. } => "impersonation",
            IngestError::ForeignMeasurement { .. } => "foreign_measurement",
        }
    }
}

/// Decodes one sample received on `key` and checks it against the key space.
///
/// ```
/// use cuenca_model::{keys, wire, MeasurementBatch, MeasurementKind, NationId, SensorId};
/// let (col, id) = (NationId::new("COL")?, SensorId::new("col-r1")?);
/// let frame = wire::encode(&MeasurementBatch::new(col, id.clone(), 1));
/// let key = keys::sensor(col, MeasurementKind::RadarPlot, &id);
/// assert!(cuenca_bus::accept(&key, &frame).is_ok());
/// let wrong = keys::sensor(NationId::new("MEX")?, MeasurementKind::RadarPlot, &id);
/// assert_eq!(cuenca_bus::accept(&wrong, &frame).unwrap_err().reason(), "impersonation");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn accept(
    key: &str,
    payload: &[u8],
) -> Result<(MeasurementKind, MeasurementBatch), IngestError> {
    let (nation, kind, sensor) =
        keys::parse_sensor(key).ok_or_else(|| IngestError::BadKey(key.to_string()))?;
    let batch = wire::decode(payload)?;
    if batch.nation != nation || batch.sensor != sensor {
        return Err(IngestError::Impersonation {
            key: key.to_string(),
            claimed: batch.nation,
            sensor: batch.sensor,
        });
    }
    if let Some((index, m)) = batch
        .measurements
        .iter()
        .enumerate()
        .find(|(_, m)| m.nation != nation || m.sensor != sensor)
    {
        return Err(IngestError::ForeignMeasurement {
            index,
            nation: m.nation,
            sensor: m.sensor.clone(),
        });
    }
    Ok((kind, batch))
}

/// Builds zenoh's configuration from ours.
pub fn zenoh_config(cfg: &ZenohConfig) -> Result<zenoh::Config, BusError> {
    let mut z = zenoh::Config::default();
    let mut set = |k: &str, v: String| {
        z.insert_json5(k, &v)
            .map_err(|e| BusError::Config(format!("{k} = {v}: {e}")))
    };
    let mode = match cfg.mode {
        ZenohMode::Peer => "peer",
        ZenohMode::Client => "client",
    };
    set("mode", format!("{mode:?}"))?;
    set(
        "scouting/multicast/enabled",
        cfg.multicast_scouting.to_string(),
    )?;
    let list = |v: &[String]| format!("{v:?}");
    if !cfg.connect.is_empty() {
        set("connect/endpoints", list(&cfg.connect))?;
    }
    if !cfg.listen.is_empty() {
        set("listen/endpoints", list(&cfg.listen))?;
    }
    Ok(z)
}

/// An open zenoh session on Cuenca's key space.
#[derive(Clone)]
pub struct Bus {
    session: zenoh::Session,
}

impl Bus {
    /// Opens a session (inside this process in peer mode).
    pub async fn open(cfg: &ZenohConfig) -> Result<Bus, BusError> {
        let session = zenoh::open(zenoh_config(cfg)?)
            .await
            .map_err(|e| BusError::Zenoh(e.to_string()))?;
        Ok(Bus { session })
    }

    /// The zenoh session, for publishers and queryables of other crates.
    pub fn session(&self) -> &zenoh::Session {
        &self.session
    }

    /// Publishes a batch under its sensor's key. When zenoh's queues are full it
    /// waits rather than dropping (zenoh's default for puts): accepted sensor data is
    /// never lost without a count, and a slow service slows its feeds instead.
    pub async fn publish(
        &self,
        kind: MeasurementKind,
        batch: &MeasurementBatch,
    ) -> Result<(), BusError> {
        let key = keys::sensor(batch.nation, kind, &batch.sensor);
        self.session
            .put(key, wire::encode(batch))
            .congestion_control(zenoh::qos::CongestionControl::Block)
            .await
            .map_err(|e| BusError::Zenoh(e.to_string()))
    }

    /// Puts raw bytes on any key (pictures, and tests that send malformed data).
    pub async fn put(&self, key: &str, payload: Vec<u8>) -> Result<(), BusError> {
        self.session
            .put(key, payload)
            .await
            .map_err(|e| BusError::Zenoh(e.to_string()))
    }

    /// Subscribes to every nation's sensors: each sample's key and payload arrive on the
    /// returned channel, to be checked with [`accept`] by the consumer.
    pub async fn subscribe_measurements(
        &self,
    ) -> Result<flume::Receiver<(String, Vec<u8>)>, BusError> {
        let (tx, rx) = flume::bounded(4096);
        // A background subscriber lives as long as the session.
        self.session
            .declare_subscriber(keys::ALL_SENSORS)
            .callback(move |sample| {
                let item = (
                    sample.key_expr().as_str().to_string(),
                    sample.payload().to_bytes().into_owned(),
                );
                // A full queue blocks zenoh's delivery (back-pressure) rather than dropping.
                let _ = tx.send(item);
            })
            .background()
            .await
            .map_err(|e| BusError::Zenoh(e.to_string()))?;
        Ok(rx)
    }

    /// Answers zenoh queries on `key_expr` (wildcards allowed): `answer` gets the
    /// concrete key each query asked for and returns the reply payload, or `None` to
    /// leave it unanswered. Lives as long as the session.
    pub async fn answer_queries(
        &self,
        key_expr: &str,
        answer: impl Fn(&str) -> Option<Vec<u8>> + Send + Sync + 'static,
    ) -> Result<(), BusError> {
        self.session
            .declare_queryable(key_expr.to_string())
            .callback(move |query| {
                let key = query.key_expr().as_str().to_string();
                if let Some(body) = answer(&key) {
                    if let Err(e) = query.reply(key.clone(), body).wait() {
                        tracing::warn!(key, error = %e, "query reply failed");
                    }
                }
            })
            .background()
            .await
            .map_err(|e| BusError::Zenoh(e.to_string()))
    }

    /// Closes the session.
    pub fn close(&self) {
        let _ = self.session.close().wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cuenca_model::*;

    fn batch(nation: &str, sensor: &str) -> MeasurementBatch {
        let (n, s) = (
            NationId::new(nation).unwrap(),
            SensorId::new(sensor).unwrap(),
        );
        let mut b = MeasurementBatch::new(n, s.clone(), 1);
        b.measurements.push(Measurement {
            sensor: s,
            nation: n,
            time: Timestamp::from_micros(1_795_000_000_000_000),
            kind: MeasurementKind::RadarPlot,
            position: GeoPoint::new(11.0, -75.0),
            accuracy: PositionCov::circular(50.0),
            velocity: None,
            polar: None,
            identity: Identity::default(),
            release: ReleaseTo::OwnerOnly,
        });
        b
    }

    #[test]
    fn refuses_each_kind_of_bad_sample() {
        let b = batch("COL", "col-r1");
        let key = "cuenca/COL/sensors/radar/col-r1";
        assert!(accept(key, &wire::encode(&b)).is_ok());
        assert_eq!(
            accept("cuenca/COL/x", &wire::encode(&b))
                .unwrap_err()
                .reason(),
            "bad_key"
        );
        assert_eq!(accept(key, b"junk").unwrap_err().reason(), "bad_magic");
        assert_eq!(
            accept("cuenca/COL/sensors/radar/col-r2", &wire::encode(&b))
                .unwrap_err()
                .reason(),
            "impersonation"
        );
        let mut foreign = b.clone();
        foreign.measurements[0].nation = NationId::new("USA").unwrap();
        assert_eq!(
            accept(key, &wire::encode(&foreign)).unwrap_err().reason(),
            "foreign_measurement"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_crosses_between_two_sessions() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let listen = ZenohConfig {
            mode: ZenohMode::Peer,
            connect: vec![],
            listen: vec![format!("tcp/127.0.0.1:{port}")],
            multicast_scouting: false,
        };
        let connect = ZenohConfig {
            listen: vec![],
            connect: vec![format!("tcp/127.0.0.1:{port}")],
            ..listen.clone()
        };
        let server = Bus::open(&listen).await.unwrap();
        let rx = server.subscribe_measurements().await.unwrap();
        let sensor = Bus::open(&connect).await.unwrap();
        let b = batch("MEX", "mex-r1");
        // Declarations propagate asynchronously: publish until one arrives.
        let got = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            loop {
                sensor
                    .publish(MeasurementKind::RadarPlot, &b)
                    .await
                    .unwrap();
                if let Ok(item) =
                    tokio::time::timeout(std::time::Duration::from_millis(200), rx.recv_async())
                        .await
                {
                    return item.unwrap();
                }
            }
        })
        .await
        .expect("batch arrives within 10 s");
        let (kind, back) = accept(&got.0, &got.1).unwrap();
        assert_eq!(kind, MeasurementKind::RadarPlot);
        assert_eq!(back, b);
        sensor.close();
        server.close();
    }
}
