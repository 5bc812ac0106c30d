//! RabbitMQ: publishing outbox events with publisher confirms, consuming them with retries and
//! a dead-letter queue per consumer, and the tools that list and replay dead letters.
//!
//! Topology (declared by publishers and consumers alike, so no event is dropped for want of
//! a queue):
//! - exchange `<ns>.events` (topic, durable; `ns` is `alkemio` unless configured): every
//!   domain event, routing key = its name;
//! - per consumer `c`: queue `<ns>.c` bound with `#`, dead-lettering rejected messages to
//!   `<ns>.c.dlq`; queue `<ns>.c.retry` without consumers, whose messages wait out their
//!   per-message TTL and then dead-letter back into `<ns>.c`; queue `<ns>.c.dlq` holding
//!   messages that failed every attempt, with their error in the `x-error` header.
//!
//! The reference's own queues (`alkemio-notifications`) are declared argument-free, as the
//! reference declares them. Messages for the AI engines go to the reference's direct exchange
//! `event-bus` (durable), routing key = the message's class name; their results come back on
//! durable queues bound to it (`virtual-contributor-ingest-body-of-knowledge-result`, …).

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicGetOptions, BasicPublishOptions, BasicQosOptions,
    BasicRejectOptions, ConfirmSelectOptions, ExchangeDeclareOptions, QueueBindOptions,
    QueueDeclareOptions,
};
use lapin::types::{AMQPValue, FieldTable, LongString, ShortString};
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, ExchangeKind};
use tokio::sync::watch;
use uuid::Uuid;

use crate::consumer::EventConsumer;
use crate::event::EventRecord;
use crate::relay::RetryPolicy;

/// The namespace of our exchange and queues (`RABBITMQ_NAMESPACE`, default `alkemio`), so that
/// several deployments (or test runs) can share one broker.
pub const DEFAULT_NAMESPACE: &str = "alkemio";

/// The exchange every domain event is published to: `<namespace>.events`.
pub fn exchange_name(ns: &str) -> String {
    format!("{ns}.events")
}

/// The reference's direct exchange between the server and the AI engines.
pub const EVENT_BUS_EXCHANGE: &str = "event-bus";

/// Longest wait for a broker confirm before the connection is taken for lost.
const CONFIRM_TIMEOUT: Duration = Duration::from_secs(15);

/// The main queue of consumer `name`: `<namespace>.<name>`.
pub fn queue_name(ns: &str, consumer: &str) -> String {
    format!("{ns}.{consumer}")
}

/// The retry (delay) queue of consumer `name`.
pub fn retry_queue_name(ns: &str, consumer: &str) -> String {
    format!("{ns}.{consumer}.retry")
}

/// The dead-letter queue of consumer `name`.
pub fn dead_letter_queue_name(ns: &str, consumer: &str) -> String {
    format!("{ns}.{consumer}.dlq")
}

type Failure = String;

fn fail(doing: &str, e: impl std::fmt::Display) -> Failure {
    format!("{doing}: {e}")
}

async fn connect(uri: &str) -> Result<(Connection, Channel), Failure> {
    let conn = tokio::time::timeout(
        Duration::from_secs(10),
        Connection::connect(uri, ConnectionProperties::default()),
    )
    .await
    .map_err(|_| "connecting to the broker timed out".to_owned())?
    .map_err(|e| fail("connecting to the broker", e))?;
    let channel = conn
        .create_channel()
        .await
        .map_err(|e| fail("opening a channel", e))?;
    channel
        .confirm_select(ConfirmSelectOptions::default())
        .await
        .map_err(|e| fail("enabling publisher confirms", e))?;
    Ok((conn, channel))
}

fn short(s: &str) -> ShortString {
    ShortString::from(s)
}

fn long(s: &str) -> AMQPValue {
    AMQPValue::LongString(LongString::from(s.as_bytes().to_vec()))
}

/// Declares the events exchange and, for each consumer, its queue, retry queue and
/// dead-letter queue.
pub async fn declare_topology(
    channel: &Channel,
    ns: &str,
    consumers: &[&str],
) -> Result<(), Failure> {
    let exchange = exchange_name(ns);
    channel
        .exchange_declare(
            short(&exchange),
            ExchangeKind::Topic,
            ExchangeDeclareOptions {
                durable: true,
                ..ExchangeDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .map_err(|e| fail("declaring the events exchange", e))?;
    for consumer in consumers {
        let main = queue_name(ns, consumer);
        let retry = retry_queue_name(ns, consumer);
        let dlq = dead_letter_queue_name(ns, consumer);
        declare_queue(channel, &dlq, FieldTable::default()).await?;
        let mut main_args = FieldTable::default();
        main_args.insert(short("x-dead-letter-exchange"), long(""));
        main_args.insert(short("x-dead-letter-routing-key"), long(&dlq));
        declare_queue(channel, &main, main_args).await?;
        let mut retry_args = FieldTable::default();
        retry_args.insert(short("x-dead-letter-exchange"), long(""));
        retry_args.insert(short("x-dead-letter-routing-key"), long(&main));
        declare_queue(channel, &retry, retry_args).await?;
        channel
            .queue_bind(
                short(&main),
                short(&exchange),
                short("#"),
                QueueBindOptions::default(),
                FieldTable::default(),
            )
            .await
            .map_err(|e| fail("binding a consumer queue", e))?;
    }
    Ok(())
}

async fn declare_queue(channel: &Channel, name: &str, args: FieldTable) -> Result<(), Failure> {
    channel
        .queue_declare(short(name), QueueDeclareOptions::durable(), args)
        .await
        .map(|_| ())
        .map_err(|e| fail(&format!("declaring queue {name}"), e))
}

async fn publish_confirmed(
    channel: &Channel,
    exchange: &str,
    routing_key: &str,
    body: &[u8],
    properties: BasicProperties,
) -> Result<(), Failure> {
    let confirm = channel
        .basic_publish(
            short(exchange),
            short(routing_key),
            BasicPublishOptions::default(),
            body,
            properties,
        )
        .await
        .map_err(|e| fail("publishing", e))?;
    match tokio::time::timeout(CONFIRM_TIMEOUT, confirm).await {
        Ok(Ok(c)) if c.is_ack() => Ok(()),
        Ok(Ok(_)) => Err("the broker refused the message".to_owned()),
        Ok(Err(e)) => Err(fail("waiting for the broker's confirm", e)),
        Err(_) => Err("the broker's confirm timed out".to_owned()),
    }
}

fn event_properties(record: &EventRecord) -> BasicProperties {
    BasicProperties::default()
        .with_content_type(short("application/json"))
        .with_delivery_mode(2)
        .with_message_id(short(&record.id.to_string()))
        .with_type(short(record.name()))
        .with_timestamp(u64::try_from(record.occurred_at.timestamp()).unwrap_or(0))
}

/// Publishes outbox events to the events exchange; reconnects after a failure, waiting longer
/// after each one in a row.
pub struct Publisher {
    uri: String,
    ns: String,
    consumers: Vec<&'static str>,
    link: Option<(Connection, Channel)>,
    failures: u32,
}

impl std::fmt::Debug for Publisher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URI carries the password.
        f.debug_struct("Publisher")
            .field("namespace", &self.ns)
            .field("connected", &self.link.is_some())
            .finish_non_exhaustive()
    }
}

impl Publisher {
    /// A publisher for the broker at `uri` (`amqp://user:pass@host:port/vhost`); declares the
    /// queues of `consumers` so events wait for them even before they first run.
    pub fn new(uri: String, ns: String, consumers: Vec<&'static str>) -> Self {
        Self {
            uri,
            ns,
            consumers,
            link: None,
            failures: 0,
        }
    }

    async fn channel(&mut self) -> Result<Channel, Failure> {
        if let Some((conn, channel)) = &self.link
            && conn.status().connected()
            && channel.status().connected()
        {
            return Ok(channel.clone());
        }
        self.link = None;
        let (conn, channel) = connect(&self.uri).await?;
        declare_topology(&channel, &self.ns, &self.consumers).await?;
        self.link = Some((conn, channel.clone()));
        tracing::info!("connected to the broker");
        Ok(channel)
    }

    /// Publishes `records` (persistent, with confirms); returns the ids the broker confirmed.
    /// An error means none could be sent (the broker is unreachable).
    pub async fn publish(&mut self, records: &[EventRecord]) -> Result<Vec<Uuid>, Failure> {
        let channel = match self.channel().await {
            Ok(c) => c,
            Err(e) => {
                self.failures += 1;
                return Err(e);
            }
        };
        let exchange = exchange_name(&self.ns);
        let mut pending = Vec::with_capacity(records.len());
        let mut broken = None;
        for record in records {
            let body = serde_json::to_vec(record).map_err(|e| fail("encoding an event", e))?;
            match channel
                .basic_publish(
                    short(&exchange),
                    short(record.name()),
                    BasicPublishOptions::default(),
                    &body,
                    event_properties(record),
                )
                .await
            {
                Ok(confirm) => pending.push((record.id, confirm)),
                Err(e) => {
                    broken = Some(fail("publishing", e));
                    break;
                }
            }
        }
        let mut confirmed = Vec::with_capacity(pending.len());
        for (id, confirm) in pending {
            match tokio::time::timeout(CONFIRM_TIMEOUT, confirm).await {
                Ok(Ok(c)) if c.is_ack() => confirmed.push(id),
                Ok(Ok(_)) => {
                    tracing::warn!(event_id = %id, "the broker refused an event; it will be sent again")
                }
                Ok(Err(e)) => {
                    broken.get_or_insert_with(|| fail("waiting for confirms", e));
                }
                Err(_) => {
                    broken.get_or_insert_with(|| "confirms timed out".to_owned());
                }
            }
        }
        if let Some(e) = broken {
            self.link = None;
            self.failures += 1;
            if confirmed.is_empty() {
                return Err(e);
            }
            tracing::warn!(error = %e, confirmed = confirmed.len(), "the broker connection broke mid-batch");
        } else {
            self.failures = 0;
        }
        Ok(confirmed)
    }

    /// Sends one message to a queue through the default exchange (declaring the queue durable
    /// and argument-free, as the reference does), waiting for the broker's confirm.
    pub async fn send_to_queue(&mut self, queue: &str, body: &[u8]) -> Result<(), Failure> {
        self.send_json(Target::Queue(queue), body).await
    }

    /// Sends a message (persistent, confirmed) to the AI engines' direct exchange (the
    /// reference's `event-bus`) with this routing key.
    pub async fn send_to_bus(
        &mut self,
        exchange: &str,
        routing_key: &str,
        body: &[u8],
    ) -> Result<(), Failure> {
        self.send_json(Target::Bus(exchange, routing_key), body)
            .await
    }

    /// Sends a live update (not persistent, confirmed) to the fan-out exchange `<ns>.live`
    /// that every server instance listens to.
    pub async fn send_live(&mut self, body: &[u8]) -> Result<(), Failure> {
        let exchange = live_exchange_name(&self.ns);
        self.send_json(Target::Live(&exchange), body).await
    }

    /// Declares the target, sends a JSON message to it and waits for the confirm; a failure
    /// drops the link, so the next send reconnects.
    async fn send_json(&mut self, target: Target<'_>, body: &[u8]) -> Result<(), Failure> {
        let channel = self.channel().await?;
        let result = async {
            let json = BasicProperties::default().with_content_type(short("application/json"));
            let (exchange, routing_key, properties) = match target {
                Target::Queue(queue) => {
                    declare_queue(&channel, queue, FieldTable::default()).await?;
                    ("", queue, json)
                }
                Target::Live(exchange) => {
                    declare_exchange(&channel, exchange, ExchangeKind::Fanout).await?;
                    (exchange, "", json)
                }
                Target::Bus(exchange, routing_key) => {
                    declare_exchange(&channel, exchange, ExchangeKind::Direct).await?;
                    (exchange, routing_key, json.with_delivery_mode(2))
                }
            };
            publish_confirmed(&channel, exchange, routing_key, body, properties).await
        }
        .await;
        if result.is_err() {
            self.link = None;
        }
        result
    }

    /// Waits before the next attempt after failures: 0.2 s doubling up to 10 s.
    pub async fn backoff(&self) {
        tokio::time::sleep(reconnect_delay(self.failures)).await;
    }

    /// Closes the connection.
    pub async fn close(&mut self) {
        if let Some((conn, _)) = self.link.take() {
            let _ = conn.close(200, short("shutting down")).await;
        }
    }
}

/// Where [`Publisher::send_json`] sends: a queue (through the default exchange), the live
/// fan-out exchange or the AI engines' bus (with a routing key).
enum Target<'a> {
    Queue(&'a str),
    Live(&'a str),
    Bus(&'a str, &'a str),
}

/// The longest a consumer waits for one broker step (setting up, acknowledging) before it
/// reconnects.
const BROKER_STEP_TIMEOUT: Duration = Duration::from_secs(30);

fn reconnect_delay(failures: u32) -> Duration {
    let exp = failures.saturating_sub(1).min(6);
    Duration::from_millis(200)
        .saturating_mul(2u32.pow(exp))
        .min(Duration::from_secs(10))
}

fn header_i64(props: &BasicProperties, key: &str) -> i64 {
    props
        .headers()
        .as_ref()
        .and_then(|h| h.inner().get(key).cloned())
        .and_then(|v| match v {
            AMQPValue::LongLongInt(n) => Some(n),
            AMQPValue::LongInt(n) => Some(i64::from(n)),
            AMQPValue::LongUInt(n) => Some(i64::from(n)),
            _ => None,
        })
        .unwrap_or(0)
}

fn header_string(props: &BasicProperties, key: &str) -> Option<String> {
    props
        .headers()
        .as_ref()
        .and_then(|h| h.inner().get(key).cloned())
        .and_then(|v| match v {
            AMQPValue::LongString(s) => Some(String::from_utf8_lossy(s.as_bytes()).into_owned()),
            AMQPValue::ShortString(s) => Some(s.as_str().to_owned()),
            _ => None,
        })
}

/// Runs `consumer` on its queue until `stop` turns true, reconnecting when the broker goes
/// away. A failed event is retried through the retry queue after the policy's delay; after
/// `max_attempts` failures it is moved to the dead-letter queue with its error.
pub async fn run_consumer(
    uri: String,
    ns: String,
    consumer: Arc<dyn EventConsumer>,
    retry: RetryPolicy,
    mut stop: watch::Receiver<bool>,
) {
    let mut failures = 0u32;
    loop {
        if *stop.borrow() {
            return;
        }
        match consume(&uri, &ns, consumer.as_ref(), &retry, &mut stop).await {
            Ok(()) => return,
            Err(e) => {
                failures += 1;
                tracing::warn!(consumer = consumer.name(), error = %e, "consumer lost the broker; reconnecting");
                tokio::select! {
                    () = tokio::time::sleep(reconnect_delay(failures)) => {}
                    _ = stop.changed() => {}
                }
            }
        }
    }
}

async fn consume(
    uri: &str,
    ns: &str,
    consumer: &dyn EventConsumer,
    retry: &RetryPolicy,
    stop: &mut watch::Receiver<bool>,
) -> Result<(), Failure> {
    // Every step of setting up must answer in time: a broker (or a link to it) that accepts a
    // connection and then says nothing must not hold the consumer forever; it reconnects.
    let setup = async {
        let (conn, channel) = connect(uri).await?;
        declare_topology(&channel, ns, &[consumer.name()]).await?;
        let reader = conn
            .create_channel()
            .await
            .map_err(|e| fail("opening a channel", e))?;
        reader
            .basic_qos(16, BasicQosOptions::default())
            .await
            .map_err(|e| fail("setting the prefetch", e))?;
        let queue = queue_name(ns, consumer.name());
        let deliveries = reader
            .basic_consume(
                short(&queue),
                short(&format!("{}-{}", consumer.name(), Uuid::new_v4().simple())),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await
            .map_err(|e| fail("starting to consume", e))?;
        Ok::<_, Failure>((conn, channel, deliveries))
    };
    let (conn, channel, mut deliveries) =
        tokio::time::timeout(BROKER_STEP_TIMEOUT, setup)
            .await
            .map_err(|_| "setting up the consumer timed out".to_owned())??;
    tracing::info!(consumer = consumer.name(), "consuming from the broker");
    loop {
        let delivery = tokio::select! {
            d = deliveries.next() => d,
            _ = stop.changed() => {
                let _ = conn.close(200, short("shutting down")).await;
                return Ok(());
            }
        };
        let delivery = match delivery {
            Some(Ok(d)) => d,
            Some(Err(e)) => return Err(fail("receiving", e)),
            None => return Err("the broker ended the consumer".to_owned()),
        };
        let attempts = header_i64(&delivery.properties, "x-attempts");
        let outcome = match serde_json::from_slice::<EventRecord>(&delivery.data) {
            Ok(record) => consumer.handle(&record).await,
            Err(e) => {
                // Undecodable: no retry can help; the queue dead-letters it.
                tracing::error!(consumer = consumer.name(), error = %e, "undecodable message rejected to the dead-letter queue");
                delivery
                    .reject(BasicRejectOptions { requeue: false })
                    .await
                    .map_err(|e| fail("rejecting", e))?;
                continue;
            }
        };
        if let Err(error) = outcome {
            let attempts = attempts + 1;
            let mut headers = delivery.properties.headers().clone().unwrap_or_default();
            headers.insert(short("x-attempts"), AMQPValue::LongLongInt(attempts));
            headers.insert(short("x-error"), long(&error));
            headers.insert(short("x-consumer"), long(consumer.name()));
            let mut props = delivery.properties.clone().with_headers(headers);
            let target = if attempts >= i64::from(retry.max_attempts) {
                tracing::error!(consumer = consumer.name(), attempts, %error, "event moved to the dead-letter queue");
                dead_letter_queue_name(ns, consumer.name())
            } else {
                let delay = retry.delay(i32::try_from(attempts).unwrap_or(i32::MAX));
                tracing::warn!(consumer = consumer.name(), attempts, %error, "event failed; retrying after {delay:?}");
                props = props.with_expiration(short(&delay.as_millis().to_string()));
                retry_queue_name(ns, consumer.name())
            };
            publish_confirmed(&channel, "", &target, &delivery.data, props).await?;
        }
        tokio::time::timeout(
            BROKER_STEP_TIMEOUT,
            delivery.ack(BasicAckOptions::default()),
        )
        .await
        .map_err(|_| "acknowledging timed out".to_owned())?
        .map_err(|e| fail("acknowledging", e))?;
    }
}

/// A message in a dead-letter queue.
#[derive(Debug, Clone)]
pub struct DeadLetter {
    /// The event's id (the message id).
    pub id: Option<Uuid>,
    /// The event's name.
    pub name: Option<String>,
    /// Attempts made.
    pub attempts: i64,
    /// The last error.
    pub error: Option<String>,
    /// The message body.
    pub body: Vec<u8>,
}

/// The fan-out exchange of live updates (in-app notifications and unread counts).
pub fn live_exchange_name(ns: &str) -> String {
    format!("{ns}.live")
}

async fn declare_exchange(
    channel: &Channel,
    exchange: &str,
    kind: ExchangeKind,
) -> Result<(), Failure> {
    channel
        .exchange_declare(
            short(exchange),
            kind,
            ExchangeDeclareOptions {
                durable: true,
                ..ExchangeDeclareOptions::default()
            },
            FieldTable::default(),
        )
        .await
        .map_err(|e| fail(&format!("declaring exchange {exchange}"), e))
}

/// What a live listener does with each message body.
pub type LiveHandler = Arc<dyn Fn(&[u8]) + Send + Sync>;

/// What a bus listener does with each message body; the message is acknowledged once it
/// returns.
pub type BusHandler =
    Arc<dyn Fn(Vec<u8>) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// Where a listener's messages come from.
enum Listen {
    /// The live fan-out exchange, on a queue of this process's own (exclusive, deleted with
    /// the connection), unacknowledged: updates sent while disconnected are missed.
    Live { exchange: String },
    /// A durable queue bound to the AI engines' bus with a routing key; each message is
    /// acknowledged after its handler ran.
    Bus {
        exchange: String,
        queue: String,
        routing_key: String,
    },
}

/// Listens to the fan-out exchange of live updates, handing each message to `deliver`, until
/// `stop` turns true; reconnects when the broker goes away. Updates sent while disconnected
/// are missed, as live updates are (the notifications themselves are stored).
pub async fn run_live_listener(
    uri: String,
    ns: String,
    deliver: LiveHandler,
    stop: watch::Receiver<bool>,
) {
    let handler: BusHandler = Arc::new(move |body: Vec<u8>| {
        deliver(&body);
        Box::pin(async {})
    });
    run_listener(
        uri,
        Listen::Live {
            exchange: live_exchange_name(&ns),
        },
        handler,
        stop,
    )
    .await;
}

/// Listens on the durable `queue` bound to the AI engines' direct exchange (the reference's
/// `event-bus`) with `routing_key`, handing each message to `handle` and acknowledging it
/// after, until `stop` turns true; reconnects when the broker goes away. A message the
/// handler cannot use is logged by it and acknowledged all the same (the reference drops such
/// results too).
pub async fn run_bus_listener(
    uri: String,
    exchange: String,
    queue: String,
    routing_key: String,
    handle: BusHandler,
    stop: watch::Receiver<bool>,
) {
    let source = Listen::Bus {
        exchange,
        queue,
        routing_key,
    };
    run_listener(uri, source, handle, stop).await;
}

async fn run_listener(
    uri: String,
    source: Listen,
    deliver: BusHandler,
    mut stop: watch::Receiver<bool>,
) {
    let mut failures = 0u32;
    let what = match &source {
        Listen::Live { .. } => "live updates".to_owned(),
        Listen::Bus { queue, .. } => format!("queue {queue}"),
    };
    loop {
        if *stop.borrow() {
            return;
        }
        let deliver = deliver.clone();
        let session = async {
            let (conn, channel) = connect(&uri).await?;
            let (queue, no_ack) = match &source {
                Listen::Live { exchange } => {
                    declare_exchange(&channel, exchange, ExchangeKind::Fanout).await?;
                    let queue = channel
                        .queue_declare(
                            short(""),
                            QueueDeclareOptions {
                                exclusive: true,
                                auto_delete: true,
                                ..QueueDeclareOptions::default()
                            },
                            FieldTable::default(),
                        )
                        .await
                        .map_err(|e| fail("declaring the live queue", e))?;
                    let name = queue.name().clone();
                    channel
                        .queue_bind(
                            name.clone(),
                            short(exchange),
                            short(""),
                            QueueBindOptions::default(),
                            FieldTable::default(),
                        )
                        .await
                        .map_err(|e| fail("binding the live queue", e))?;
                    (name, true)
                }
                Listen::Bus {
                    exchange,
                    queue,
                    routing_key,
                } => {
                    declare_exchange(&channel, exchange, ExchangeKind::Direct).await?;
                    declare_queue(&channel, queue, FieldTable::default()).await?;
                    channel
                        .queue_bind(
                            short(queue),
                            short(exchange),
                            short(routing_key),
                            QueueBindOptions::default(),
                            FieldTable::default(),
                        )
                        .await
                        .map_err(|e| fail(&format!("binding queue {queue}"), e))?;
                    (short(queue), false)
                }
            };
            let mut deliveries = channel
                .basic_consume(
                    queue,
                    short("listener"),
                    BasicConsumeOptions {
                        no_ack,
                        ..BasicConsumeOptions::default()
                    },
                    FieldTable::default(),
                )
                .await
                .map_err(|e| fail("listening", e))?;
            Ok::<_, Failure>((conn, async move {
                while let Some(d) = deliveries.next().await {
                    match d {
                        Ok(d) => {
                            deliver(d.data.clone()).await;
                            if !no_ack && let Err(e) = d.ack(BasicAckOptions::default()).await {
                                return fail("acknowledging", e);
                            }
                        }
                        Err(e) => return fail("receiving", e),
                    }
                }
                "the broker ended the listener".to_owned()
            }))
        };
        match session.await {
            Ok((conn, listening)) => {
                failures = 0;
                tokio::select! {
                    error = listening => {
                        tracing::warn!(%error, source = %what, "listener lost the broker; reconnecting");
                    }
                    _ = stop.changed() => {
                        let _ = conn.close(200, short("shutting down")).await;
                        return;
                    }
                }
            }
            Err(error) => {
                failures += 1;
                tracing::warn!(%error, source = %what, "listener cannot reach the broker; retrying");
            }
        }
        tokio::select! {
            () = tokio::time::sleep(reconnect_delay(failures.max(1))) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Lists the dead-letter queue of `consumer` without removing anything.
pub async fn dead_letters(uri: &str, ns: &str, consumer: &str) -> Result<Vec<DeadLetter>, Failure> {
    let (conn, channel) = connect(uri).await?;
    declare_topology(&channel, ns, &[consumer]).await?;
    let dlq = dead_letter_queue_name(ns, consumer);
    let mut out = Vec::new();
    while let Some(msg) = channel
        .basic_get(short(&dlq), BasicGetOptions { no_ack: false })
        .await
        .map_err(|e| fail("reading the dead-letter queue", e))?
    {
        out.push(dead_letter(&msg.delivery.properties, &msg.delivery.data));
    }
    // Closing without acknowledging puts every message back.
    let _ = conn.close(200, short("listed")).await;
    Ok(out)
}

fn dead_letter(props: &BasicProperties, body: &[u8]) -> DeadLetter {
    DeadLetter {
        id: props
            .message_id()
            .as_ref()
            .and_then(|s| Uuid::parse_str(s.as_str()).ok()),
        name: props.kind().as_ref().map(|s| s.as_str().to_owned()),
        attempts: header_i64(props, "x-attempts"),
        error: header_string(props, "x-error"),
        body: body.to_vec(),
    }
}

/// Sends dead letters of `consumer` (all, or those whose event id is in `ids`) back to its
/// queue with a fresh count of attempts; returns how many were replayed.
pub async fn replay_dead_letters(
    uri: &str,
    ns: &str,
    consumer: &str,
    ids: Option<&[Uuid]>,
) -> Result<usize, Failure> {
    let (conn, channel) = connect(uri).await?;
    declare_topology(&channel, ns, &[consumer]).await?;
    let dlq = dead_letter_queue_name(ns, consumer);
    let main = queue_name(ns, consumer);
    let mut replayed = 0;
    while let Some(msg) = channel
        .basic_get(short(&dlq), BasicGetOptions { no_ack: false })
        .await
        .map_err(|e| fail("reading the dead-letter queue", e))?
    {
        let letter = dead_letter(&msg.delivery.properties, &msg.delivery.data);
        let chosen = match ids {
            None => true,
            Some(ids) => letter.id.is_some_and(|id| ids.contains(&id)),
        };
        if !chosen {
            continue;
        }
        let mut headers = msg
            .delivery
            .properties
            .headers()
            .clone()
            .unwrap_or_default();
        headers.insert(short("x-attempts"), AMQPValue::LongLongInt(0));
        let props = msg.delivery.properties.clone().with_headers(headers);
        publish_confirmed(&channel, "", &main, &msg.delivery.data, props).await?;
        msg.delivery
            .ack(BasicAckOptions::default())
            .await
            .map_err(|e| fail("acknowledging", e))?;
        replayed += 1;
    }
    let _ = conn.close(200, short("replayed")).await;
    Ok(replayed)
}

/// Deletes the exchanges and the queues of `consumers` in namespace `ns` (test clean-up and
/// decommissioning).
pub async fn delete_topology(uri: &str, ns: &str, consumers: &[&str]) -> Result<(), Failure> {
    let (conn, channel) = connect(uri).await?;
    for consumer in consumers {
        for q in [
            queue_name(ns, consumer),
            retry_queue_name(ns, consumer),
            dead_letter_queue_name(ns, consumer),
        ] {
            channel
                .queue_delete(short(&q), lapin::options::QueueDeleteOptions::default())
                .await
                .map_err(|e| fail("deleting a queue", e))?;
        }
    }
    for exchange in [exchange_name(ns), live_exchange_name(ns)] {
        channel
            .exchange_delete(
                short(&exchange),
                lapin::options::ExchangeDeleteOptions::default(),
            )
            .await
            .map_err(|e| fail("deleting an exchange", e))?;
    }
    let _ = conn.close(200, short("deleted")).await;
    Ok(())
}

/// Whether the broker at `uri` accepts a connection (for readiness checks).
pub async fn ping(uri: &str) -> Result<(), Failure> {
    let (conn, _) = connect(uri).await?;
    let _ = conn.close(200, short("ping")).await;
    Ok(())
}
